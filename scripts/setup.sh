#!/usr/bin/env bash
# Set up exporter on a fresh Debian machine: system packages, a virtual
# environment in .venv, and the package itself.
#
#   bash scripts/setup.sh          # runtime: fonts, HarfBuzz subsetter, exporter[all]
#   bash scripts/setup.sh --test   # also Java (EPUBCheck), poppler, test dependencies,
#                                  # the example plugin, and the real clients the tests
#                                  # run: chromium + DAISY Ace (npm), pandoc, calibre
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=(
  libharfbuzz-subset0   # WeasyPrint subsets fonts ~6x faster with it
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  fonts-dejavu-core fonts-hosny-amiri fonts-noto-core   # Latin, Greek, Cyrillic, Arabic, Hebrew,
                                                        # Devanagari, Thai, Nastaliq Urdu
  fonts-noto-cjk        # Chinese (SC/TC/HK), Japanese, Korean: 57 MB download, 91 MB installed
)
if [ "$want_test" = 1 ]; then
  apt_packages+=(
    default-jre-headless   # EPUBCheck runs on Java
    poppler-utils          # pdftotext / pdftoppm read PDFs back in tests
    chromium               # DAISY Ace (tests/clients) checks EPUBs in it, via puppeteer
    pandoc                 # reads our DOCX and EPUB back (tests/test_clients_epub_docx.py)
    calibre                # ebook-convert / ebook-meta (about 70 s, 370 MB)
  )
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$want_test" = 1 ]; then
  echo "setup: installing exporter[all,test] and the example plugin"
  .venv/bin/python -m pip install -q -e ".[all,test]"
  if [ -f examples/exporter-plaintext/pyproject.toml ]; then
    .venv/bin/python -m pip install -q ./examples/exporter-plaintext
  fi
else
  echo "setup: installing exporter[all]"
  .venv/bin/python -m pip install -q -e ".[all]"
fi
if [ "$want_test" = 1 ]; then
  # DAISY Ace (npm @daisy/ace, pinned by tests/clients/package-lock.json) into
  # tests/clients/node_modules. Its install scripts would download a browser and
  # Electron: skipped, Ace's puppeteer runner uses Debian's chromium instead.
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing Debian packages: nodejs npm"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if [ ! -x tests/clients/node_modules/.bin/ace-puppeteer ]; then
    echo "setup: installing DAISY Ace into tests/clients/node_modules"
    (cd tests/clients && PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
echo "setup: done (.venv/bin/exporter)"

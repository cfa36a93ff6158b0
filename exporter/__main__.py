"""``python -m exporter``: the same as the ``exporter`` command."""

from exporter.cli import main

if __name__ == "__main__":
    main()

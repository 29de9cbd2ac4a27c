"""Launch the nato-qa web UI: ingests corpus/ when the store is empty or stale, then serves
on 127.0.0.1 (see `nato-qa serve --help`)."""

import sys

from nato_qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))

"""``python -m skrnn``: the ``skrnn`` command."""

from skrnn._cli import main

if __name__ == "__main__":
    raise SystemExit(main())

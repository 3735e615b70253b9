"""Command line: ``python -m sklearn_mathdl demo [--quick] [--figures DIR]``,
``python -m sklearn_mathdl --version``."""

import argparse
import sys

from sklearn_mathdl import __version__


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_mathdl",
        description="The mathematics of deep learning as scikit-learn estimators.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="fit, compare and plot the estimators")
    demo.add_argument("--quick", action="store_true", help="a small, fast run")
    demo.add_argument(
        "--figures", default="mathdl_figures", help="folder for the figures"
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        from sklearn_mathdl.demos import run_demo

        run_demo(figures=args.figures, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())

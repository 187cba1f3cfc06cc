"""`python -m tkiros.cli`: the tkiros command line."""

from tkiros.cli import main

main()

"""The parts of bench/run.py: the rules it writes, how a run is measured and
checked, the tables and the goals of issue 14. Standard library only."""

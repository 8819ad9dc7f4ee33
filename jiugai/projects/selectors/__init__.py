"""Reads for projects, one module per part of the lifecycle; every list goes through `visible_to`."""

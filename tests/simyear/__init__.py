"""The simulated year (docs/testing.md): the hall's kiosks, counters and devices through a
year of faults, with every payment and print accounted for at the end."""

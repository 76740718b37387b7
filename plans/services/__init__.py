"""Every change to plans goes through a function here: one transition, one function."""

"""Tests of the pure-statistics package `analysis`."""

"""Collecting student lists from schools as spreadsheets: reading real-world files,
finding and mapping their headers, normalising and validating every row."""

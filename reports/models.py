"""Dashboards, aggregate tables built by Celery, Excel exports and the public
transparency page. Models arrive with the reports issue."""

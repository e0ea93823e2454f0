"""Realistic demo data of Quảng Trị (pre-2025 districts): schools, students with
their circumstances and guardians, and one demo person per role.

Everything is drawn from `random.Random(seed)`, so the same arguments give the same
rows; students are written with PostgreSQL COPY (see `khuyenhoc.demo.students`)."""

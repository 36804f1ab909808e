"""The offline demo: a generated TRS-style district portal, served on 127.0.0.1, crawled,
extracted and loaded by the same code as a real run (``nianbao demo`` / ``make demo``)."""

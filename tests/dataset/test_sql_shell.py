"""``nianbao sql``: the README's questions without a DuckDB shell (issue 9, item 21)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from dataset import sql_shell
from nianbao.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_query_prints_a_table(corpus_db, capsys):
    data_dir, _ = corpus_db
    rc = main(["sql", "--data-dir", str(data_dir), "SELECT agency, year, received FROM body_year "
               "WHERE district = '平潭综合实验区' ORDER BY year"])  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["agency", "year", "received"]
    assert lines[2].split() == ["平潭综合实验区", "2020", "21"] and lines[3].split()[-1] == "74"
    assert lines[-1] == "(2 rows)"


def test_the_five_readme_questions_answer_as_the_readme_says(corpus_db, capsys):
    data_dir, _ = corpus_db
    answers = {}
    for n in range(1, 6):
        assert main(["sql", "--data-dir", str(data_dir), "--question", str(n)]) == 0
        answers[n] = capsys.readouterr().out
    assert "重庆市巴南区人民政府南彭街道办事处" in answers[1] and "2024" in answers[1]
    q2 = answers[2].splitlines()[2].split()
    assert q2[:5] == ["平潭综合实验区", "2020", "requests_outcomes", "natural_person", "26"] or q2[:4] == [
        "平潭综合实验区", "2020", "requests_outcomes", "total"]  # fmt: skip
    assert answers[3].splitlines()[2].split()[:4] == ["淮安市洪泽区人民政府", "洪泽区", "2024", "4"]
    assert re.search(r"平潭综合实验区\s+2022\s+74\s+2020\s+53\s+252\.4\s+-0\.053", answers[4])
    assert re.search(
        r"重庆市巴南区人民政府南彭街道办事处\s+street\s+2024\s+2025-01-20\s+2025-01-31\s+-11", answers[5]
    )


def test_readme_sql_blocks_are_the_packaged_questions():
    readme = (REPO / "README.md").read_text("utf-8")
    blocks = [b.strip() for b in re.findall(r"```sql\n(.*?)```", readme, re.S)]
    for q in sql_shell.questions():
        body = "\n".join(ln for ln in q.sql.splitlines() if not ln.startswith("--")).strip()
        assert body in blocks, q.title
        assert f"nianbao sql --question {q.number}" in readme


def test_interactive_prompt_runs_statements_and_dot_commands(corpus_db):
    data_dir, _ = corpus_db
    con = sql_shell.open_db(data_dir / "nianbao.duckdb")
    lines = iter(["SELECT count(*) AS n", "FROM bodies;", ".tables", "SELEC oops;", ".quit"])
    out = io.StringIO()

    def read(prompt: str) -> str:
        return next(lines)

    try:
        assert sql_shell.interactive(con, out, read) == 0
    finally:
        con.close()
    text = out.getvalue()
    assert re.search(r"\bn\n-+\n\s*\d+\n\(1 row\)", text)
    assert "body_year" in text and "VIEW" in text
    assert "error: Parser Error" in text


def test_missing_database_and_bad_sql_are_one_line_errors(tmp_path, corpus_db, capsys):
    assert main(["sql", "--data-dir", str(tmp_path), "SELECT 1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"nianbao sql: no database at {tmp_path / 'nianbao.duckdb'}") and "\n" not in err
    data_dir, _ = corpus_db
    assert main(["sql", "--data-dir", str(data_dir), "SELECT nope FROM reports"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nianbao sql: BinderException") and "\n" not in err.split("\n")[0]


def test_piped_statement_without_semicolon_still_runs(corpus_db):
    data_dir, _ = corpus_db
    con = sql_shell.open_db(data_dir / "nianbao.duckdb")
    lines = iter(["SELECT 41 + 1 AS answer"])

    def read(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    try:
        sql_shell.interactive(con, out, read)
    finally:
        con.close()
    assert re.search(r"answer\n-+\n\s*42\n\(1 row\)", out.getvalue())

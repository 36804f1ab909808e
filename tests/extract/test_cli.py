"""``nianbao extract`` and ``nianbao check`` on files: output, exit codes, one line per failed file."""

from __future__ import annotations

import json

from nianbao.cli import main
from tests.extract import builders as b


def test_extract_json_and_bad_file_does_not_stop_others(tmp_path, capsys):
    good = tmp_path / "good.html"
    good.write_bytes(b.html_report())
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n not really")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    rc = main(["extract", str(bad), str(good), str(empty), "--json"])
    out, err = capsys.readouterr()
    assert rc == 1
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 1 and docs[0]["report"]["agency"] == b.AGENCY
    assert {"report", "cells", "checks"} <= set(docs[0])
    errs = err.strip().splitlines()
    assert len(errs) == 2
    assert errs[0].startswith(f"{bad}: corrupt PDF")
    assert errs[1] == f"{empty}: empty file"


def test_extract_out_dir(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_bytes(b.markdown_report())
    (src / "b.docx").write_bytes(b.docx_report())
    rc = main(["extract", str(src), "--out", str(tmp_path / "out")])
    assert rc == 0
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["a.md.json", "b.docx.json"]
    doc = json.loads((tmp_path / "out" / "b.docx.json").read_text(encoding="utf-8"))
    assert len(doc["cells"]) == len(b.figures())


def test_check_reports_failures_where_and_by_how_much(tmp_path, capsys):
    text = (
        b.text_rows_report()
        .decode()
        .replace(
            "（七）总计 | ",
            "（七）总计 | 9",  # natural_person total_processed printed with an extra digit
        )
    )
    f = tmp_path / "r.txt"
    f.write_text(text, encoding="utf-8")
    rc = main(["check", str(f)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "checks fail" in out
    assert "requests_outcomes natural_person: sum" in out and "off by" in out
    assert "requests_balance natural_person" in out
    assert main(["check", "--strict", str(f)]) == 1  # a script can stop on numbers that do not add up


def test_strict_check_fails_a_partial_report(tmp_path, capsys):
    lines = b.text_rows_report().decode().splitlines()
    cut = [ln for ln in lines if not ln.startswith("3.危及")]  # one canonical row of the requests table gone
    assert len(cut) == len(lines) - 1
    f = tmp_path / "r.txt"
    f.write_text("\n".join(cut), encoding="utf-8")
    assert main(["check", str(f)]) == 0
    assert "partial" in capsys.readouterr().out
    assert main(["check", "--strict", str(f)]) == 1
    good = tmp_path / "g.html"
    good.write_bytes(b.html_report())
    assert main(["check", "--strict", str(good)]) == 0


def test_check_all_pass(tmp_path, capsys):
    f = tmp_path / "r.html"
    f.write_bytes(b.html_report())
    assert main(["check", str(f)]) == 0
    assert "all 45 checks pass" in capsys.readouterr().out


def test_empty_directory_is_an_error_not_silence(tmp_path, capsys):
    empty = tmp_path / "reports"
    empty.mkdir()
    (empty / ".hidden").write_text("x")
    for command in ("check", "extract"):
        rc = main([command, str(empty)])
        out, err = capsys.readouterr()
        assert rc != 0
        assert out == ""
        assert err.strip() == f"nianbao {command}: no documents in {empty}"


def test_no_ocr_leaves_images_unread(tmp_path, capsys):
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (400, 560), "white").save(buf, format="PNG")
    page = tmp_path / "page.png"
    page.write_bytes(buf.getvalue())
    assert main(["extract", "--no-ocr", str(page)]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == f"{page}: no text layer"
    assert "needs OCR" in " ".join(json.loads(out)["report"]["warnings"])
    assert main(["extract", str(page)]) == 1  # read by OCR: a blank page holds nothing
    out, _ = capsys.readouterr()
    assert "no text found by OCR" in json.loads(out)["report"]["warnings"]

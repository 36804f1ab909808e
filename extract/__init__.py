"""Turn one report document (HTML, text, PDF, DOCX, XLSX) into canonical cells and checks."""

"""Files officials open in Excel: the report and the anonymised responses as CSV and XLSX."""

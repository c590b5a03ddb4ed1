"""Chinese column labels under datasette's column headers. The labels are datasette metadata
(plugins.govarchive.column_labels in archive/datasette_metadata.json, one per column name: a name
means the same in every table, view and canned query); the JSON and CSV keep the codes."""
from __future__ import annotations

import json

# Adds a second line to each header of a results table; tables and views carry data-column,
# canned queries only the header text.
_SCRIPT = """
(() => {
  const labels = %s;
  for (const th of document.querySelectorAll("table.rows-and-columns thead th")) {
    const name = th.dataset.column || th.textContent.replace(/[\\s▼▲]+$/, "").trim();
    if (!labels[name] || th.querySelector(".zh-label")) continue;
    const label = document.createElement("div");
    label.className = "zh-label";
    label.textContent = labels[name];
    label.style.cssText = "font-weight:normal;font-size:0.85em;color:#333";
    th.appendChild(label);
  }
})();
"""


def column_labels(datasette) -> dict[str, str]:
    return (datasette.plugin_config("govarchive") or {}).get("column_labels", {})


def body_script(datasette) -> str:
    found = column_labels(datasette)
    return _SCRIPT % json.dumps(found, ensure_ascii=False).replace("</", "<\\/") if found else ""

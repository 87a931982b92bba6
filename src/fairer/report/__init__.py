"""The self-contained HTML report: one file per place, every style, chart and map inline."""

from fairer.report.build import Report, Section

__all__ = ["Report", "Section"]

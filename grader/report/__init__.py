"""The room that reports: terminal, Gradescope JSON, JUnit XML and a Markdown summary."""

from .gradescope import gradescope_results, write_gradescope
from .junit import junit_xml, write_junit
from .markdown import append_step_summary, markdown_summary
from .terminal import print_report, render, use_colour

__all__ = [
    "append_step_summary",
    "gradescope_results",
    "junit_xml",
    "markdown_summary",
    "print_report",
    "render",
    "use_colour",
    "write_gradescope",
    "write_junit",
]

"""The room that reports: terminal, Gradescope JSON, JUnit XML, a Markdown summary, GitHub
Classroom's and Exercism's results (v3) and PrairieLearn's external-grader results."""

from .classroom import (
    classroom_output_line,
    classroom_results,
    exercism_results,
    write_classroom,
    write_exercism,
)
from .gradescope import gradescope_results, write_gradescope
from .junit import junit_xml, write_junit
from .markdown import append_step_summary, markdown_summary
from .prairielearn import prairielearn_results, write_prairielearn
from .terminal import print_report, render, use_colour

__all__ = [
    "append_step_summary",
    "classroom_output_line",
    "classroom_results",
    "exercism_results",
    "gradescope_results",
    "junit_xml",
    "markdown_summary",
    "prairielearn_results",
    "print_report",
    "render",
    "use_colour",
    "write_classroom",
    "write_exercism",
    "write_gradescope",
    "write_junit",
    "write_prairielearn",
]

"""JUnit XML, one test suite per exercise and one test case per check, for CI dashboards."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from ..results import GradeReport


def junit_xml(report: GradeReport) -> str:
    suites = ElementTree.Element("testsuites", name="grader", time=f"{report.duration:.3f}")
    for exercise in report.exercises:
        failures = sum(c.status == "failed" for c in exercise.checks)
        errors = sum(c.status == "error" for c in exercise.checks)
        skipped = sum(c.status == "skipped" for c in exercise.checks)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=exercise.name,
            tests=str(len(exercise.checks)),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
            time=f"{exercise.duration:.3f}",
        )
        recorded = {"isolation": report.isolation} if report.isolation else {}
        recorded |= {f"provenance.{key}": str(value) for key, value in report.provenance.items()}
        if recorded:
            properties = ElementTree.SubElement(suite, "properties")
            for name, value in recorded.items():
                ElementTree.SubElement(properties, "property", name=name, value=value)
        for check in exercise.checks:
            case = ElementTree.SubElement(
                suite, "testcase", classname=exercise.name, name=check.check
            )
            if check.passed:
                continue
            tag = {"failed": "failure", "error": "error", "skipped": "skipped"}[check.status]
            element = ElementTree.SubElement(case, tag, message=check.title)
            element.text = check.explanation()
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True)


def write_junit(report: GradeReport, path: Path) -> None:
    path.write_text(junit_xml(report) + "\n", encoding="utf-8")

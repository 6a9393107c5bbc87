import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from daiban.rollout.importer import SAME, import_county, what_label
from daiban.rollout.workbook import Unreadable
from daiban.rollout.workbook import credentials as credentials_workbook


class Progress:
    """tqdm when it is installed, else a plain line now and then; silent off a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.bars = {}
        self.last = {}
        try:
            import tqdm  # noqa: F401

            self.tqdm = True
        except ImportError:
            self.tqdm = False

    def __call__(self, label, done, total):
        if self.tqdm:
            from tqdm import tqdm

            bar = self.bars.get(label)
            if bar is None:
                bar = self.bars[label] = tqdm(total=total, desc=label, file=sys.stderr)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
            return
        step = max(total // 10, 1)
        if done == total or done - self.last.get(label, 0) >= step:
            self.last[label] = done
            self.stream.write(f"{label} {done}/{total}\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Set up or update a county from its workbook (sheets 区划, 部门, 人员, 事项): "
        "everything is checked first; a file with any mistake changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="the .xlsx workbook, or one CSV per sheet")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; change nothing"
        )
        parser.add_argument(
            "--credentials",
            help="the .xlsx file to write the new staff's user names and one-time passwords to",
        )

    def handle(self, *args, files, dry_run, credentials: str | None, **options):
        verbosity = options["verbosity"]
        progress = Progress(sys.stderr) if sys.stderr.isatty() and verbosity else None
        paths = []
        for name in files:
            path = Path(name)
            if not path.exists():
                raise CommandError(_("%(file)s does not exist.") % {"file": name})
            paths += sorted(path.glob("*.csv")) if path.is_dir() else [path]

        def before_apply(report):
            new_staff = report.counts().get("staff", {}).get("create", 0)
            if new_staff and not credentials:
                raise CommandError(
                    _(
                        "%(count)s new staff would get one-time passwords: give --credentials "
                        "OUT.xlsx to keep them. Nothing was changed."
                    )
                    % {"count": new_staff}
                )
            if new_staff:
                try:  # the passwords exist only in this file: make sure it can be written
                    Path(credentials).write_bytes(b"")
                except OSError as exc:
                    raise CommandError(f"{credentials}: {exc}") from exc

        try:
            report = import_county(
                [(p.name, p.read_bytes()) for p in paths],
                dry_run=dry_run,
                progress=progress,
                before_apply=before_apply,
            )
        except Unreadable as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)s mistakes in the workbook. Nothing was changed.")
                % {"count": len(report.problems)}
            )
        for what, counts in report.counts().items():
            self.stdout.write(
                _("%(what)s: %(create)s new, %(update)s changed, %(same)s unchanged")
                % {
                    "what": what_label(what),
                    "create": counts["create"],
                    "update": counts["update"],
                    "same": counts["same"],
                }
            )
        if verbosity >= 2 or dry_run:
            for change in report.changes:
                if change.action == SAME or (change.action == "create" and verbosity < 2):
                    continue
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                word = _("new") if change.action == "create" else _("changed")
                self.stdout.write(f"  {change.sheet} {change.row}: {word} {change.label}{fields}")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        elif not report.changes_anything:
            self.stdout.write(_("Nothing to change: Daiban already holds this workbook."))
        if report.credentials:
            Path(credentials).write_bytes(credentials_workbook(report.credentials))
            self.stdout.write(
                _("%(count)s new accounts: user names and one-time passwords in %(file)s.")
                % {"count": len(report.credentials), "file": credentials}
            )

"""The overview's panels: targets with bars and pace, this month's quotas, who is furthest
behind, and the latest signings and starts. They render records; they never touch the store."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from models.records import LatestProject
from yeji_tui.status import STATUS_SYMBOL, Gap, bar, gap_text
from yeji_tui.strings import Catalog
from yeji_tui.targets import (
    CampaignStatus,
    PartProgress,
    QuotaStatus,
    furthest_behind,
    month_summary,
)
from yeji_tui.text import cell_width, clean_text, fit, yi

#: Theme variables per status word: colour always comes with a word and a symbol.
STATUS_STYLE = {
    "met": "$text-success",
    "on_track": "$text-primary",
    "behind": "$text-error",
    "in_progress": "$text-warning",
    "missed": "$text-error",
}


def status_word(status: str, label: str) -> Content:
    """``✔ 达标`` in the status colour."""
    return Content.assemble((f"{STATUS_SYMBOL[status]} {label}", f"{STATUS_STYLE[status]} bold"))


class Panel(Widget):
    """A panel that renders from a campaign status, in the app's language."""

    DEFAULT_CSS = """
    Panel { height: auto; }
    """

    status: reactive[CampaignStatus | None] = reactive(None, layout=True)
    """The campaign status shown; None while the first load runs."""

    def __init__(
        self,
        t: Catalog,
        status: CampaignStatus | None = None,
        *,
        id: str | None = None,
        title: str = "",
    ) -> None:
        super().__init__(id=id)
        self.t = t
        self.border_title = title
        self.set_reactive(Panel.status, status)

    def render(self) -> Content:
        if self.status is None:
            return Content(self.t("loading"))
        return self.render_status(self.status)

    def render_status(self, status: CampaignStatus) -> Content:
        raise NotImplementedError


class TargetBoard(Panel):
    """Each target: label, bar with the pace mark, actual/target, expected, status, the gap, and
    for a signing target behind, the 洽谈 leads whose signing would count (◆: chosen for the
    what-if; 工: industrial), largest first."""

    def __init__(
        self,
        t: Catalog,
        status: CampaignStatus | None = None,
        *,
        id: str | None = None,
        title: str = "",
        gaps: tuple[Gap, ...] = (),
    ) -> None:
        super().__init__(t, status, id=id, title=title)
        self.gaps = {gap.target_id: gap for gap in gaps}
        self.chosen: set[int] = set()

    def set_gaps(self, gaps: tuple[Gap, ...]) -> None:
        """The gaps of the latest load."""
        self.gaps = {gap.target_id: gap for gap in gaps}
        self.refresh()

    def _gap_line(self, gap: Gap, indent: int, width: int) -> Content:
        t = self.t
        parts: list[Content | str | tuple[str, str]] = [
            " " * indent,
            (t("gap.candidates"), "$text-accent"),
        ]
        if not gap.candidates:
            parts.append((t("gap.no_candidates"), "$text-muted"))
        for i, card in enumerate(gap.candidates[:4]):
            mark = "◆" if card.id in self.chosen else "工" if card.is_industrial else ""
            parts += [" · " if i else "", (mark, "$text-accent bold"), clean_text(card.company)]
            parts.append((f" {yi(card.amount_wan)}亿", "$text-muted"))
        line = Content.assemble(*parts)
        return line.truncate(width, ellipsis=True) if line.cell_length > width else line

    def render_status(self, status: CampaignStatus) -> Content:
        t = self.t
        width = max(self.content_region.width, 60)
        label_w = (
            max(cell_width(tp.spec.label) for tp in status.targets) + 1 if status.targets else 10
        )
        label_w = min(label_w, 22)
        bar_w = max(10, min(50, width - label_w - 34))
        lines: list[Content] = []
        for tp in status.targets:
            parts: list[tuple[str, PartProgress, str]] = [(tp.spec.label, tp.total, tp.status)]
            if tp.industrial:
                parts.append(("  " + t("industrial_part"), tp.industrial, tp.industrial.status))
            for label, part, shown in parts:
                lines.append(self._line(label, part, shown, label_w, bar_w))
                if part.status == "behind":
                    lines.append(
                        Content.assemble(" " * (label_w + 1), (gap_text(part, t), "$text-muted"))
                    )
            gap = self.gaps.get(tp.spec.id)
            if gap is not None:
                lines.append(self._gap_line(gap, label_w + 1, width))
        return Content("\n").join(lines)

    def _line(
        self, label: str, part: PartProgress, shown: str, label_w: int, bar_w: int
    ) -> Content:
        text = bar(part.actual, part.target, part.expected, bar_w)
        filled = text.count("█")
        style = STATUS_STYLE[part.status]
        return Content.assemble(
            fit(label, label_w),
            " ",
            (text[:filled], style),
            (text[filled:], "$text-muted"),
            f" {part.actual:>3}/{part.target:<3}",
            (f" {self.t('expected_short', expected=f'{part.expected:.2f}')}  ", "$text-muted"),
            status_word(shown, self.t(f"status.{shown}")),
        )


class QuotaSummary(Panel):
    """This month: how many subjects met, are in progress or missed, per quota."""

    def render_status(self, status: CampaignStatus) -> Content:
        month = status.current_month
        if month is None:
            return Content(self.t("before_window", start=status.settings.start.isoformat()))
        keys: tuple[QuotaStatus, ...] = ("met", "in_progress", "missed")
        label_w = 16
        words = [f"{STATUS_SYMBOL[k]} {self.t(f'quota_status.{k}')}" for k in keys]
        widths = [cell_width(w) + 2 for w in words]
        header: list[Content | str | tuple[str, str]] = [" " * label_w]
        for key, word, w in zip(keys, words, widths, strict=True):
            header.append((fit(word, w), f"{STATUS_STYLE[key]} bold"))
        lines = [Content.assemble(*header)]
        for quota, counts in month_summary(status.quotas, month).items():
            cells: list[Content | str | tuple[str, str]] = [fit(self.t(f"quota.{quota}"), label_w)]
            for key, w in zip(keys, widths, strict=True):
                style = STATUS_STYLE[key] if counts[key] else "$text-muted"
                cells.append((fit(str(counts[key]), w - 2, align="right") + "  ", style))
            lines.append(Content.assemble(*cells))
        return Content("\n").join(lines)


class BehindList(Panel):
    """This month's unmet quotas, the largest share missing first."""

    limit = 6

    def render_status(self, status: CampaignStatus) -> Content:
        month = status.current_month
        behind = furthest_behind(status.quotas, month, limit=len(status.quotas)) if month else []
        if not behind:
            return Content(self.t("behind_none"))
        width = max(self.content_region.width, 36)
        shown = behind[: self.limit]
        # the quota and state columns as wide as their words in this language (English
        # "○ in progress" is 13 cells), the name takes what is left: a line never wraps
        quota_w = max(14, *(cell_width(self.t(f"quota.{row.quota}")) for row in shown))
        state_w = max(cell_width(self.t(f"quota_status.{row.status}")) for row in shown) + 2
        name_w = min(24, max(6, width - 1 - quota_w - 6 - state_w))
        lines = [
            Content.assemble(
                fit(row.subject, name_w),
                " ",
                fit(self.t(f"quota.{row.quota}"), quota_w),
                f"{row.actual:>2}/{row.required:<2} ",
                status_word(row.status, self.t(f"quota_status.{row.status}")),
            )
            for row in shown
        ]
        if len(behind) > self.limit:
            more = self.t("behind_more", n=len(behind) - self.limit)
            lines.append(Content.assemble((more, "$text-muted")))
        return Content("\n").join(lines)


class LatestList(Widget):
    """The latest signings and starts; company names shown exactly as typed."""

    DEFAULT_CSS = """
    LatestList { height: auto; }
    """

    projects: reactive[tuple[LatestProject, ...] | None] = reactive(None, layout=True)
    """The projects shown; None while loading."""

    def __init__(
        self,
        t: Catalog,
        projects: tuple[LatestProject, ...] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.t = t
        self.set_reactive(LatestList.projects, projects)

    def render(self) -> Content:
        if self.projects is None:
            return Content(self.t("loading"))
        if not self.projects:
            return Content(self.t("latest_none"))
        width = max(self.content_region.width, 40)
        # the stage as wide as its longest word in this language ("signed"), never cut
        stage_w = max(cell_width(self.t(f"stage.{p.stage}")) for p in self.projects) + 1
        # date 6 + stage + amount 11 (亿 is two cells wide) + unit 16
        company_w = max(10, width - 33 - stage_w)
        lines = []
        for p in self.projects:
            style = "$text-success" if p.stage == "started" else "$text-primary"
            lines.append(
                Content.assemble(
                    p.day.strftime("%m-%d "),
                    (fit(self.t(f"stage.{p.stage}"), stage_w), style),
                    # fit() pads by display width; plain str parts are never markup
                    fit(clean_text(p.company), company_w),
                    f" {yi(p.amount_wan):>6} 亿 ",
                    (fit(clean_text(p.unit), 16), "$text-muted"),
                )
            )
        return Content("\n").join(lines)

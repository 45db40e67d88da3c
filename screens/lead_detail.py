"""A lead's page: every field, its stage history (who and when) and its follow-ups; the keys
that act on a lead on the pipeline act on it here too (``>`` ``<`` ``f`` ``v`` ``d`` ``e``)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from models import leads
from models.leads import LeadDetail
from models.records import LeadCard
from screens.audit_lines import audit_block
from screens.base import plain, session, store_session
from screens.lead_actions import LEAD_BINDINGS, LeadActions, as_card
from yeji_tui.strings import Catalog
from yeji_tui.text import cell_width, fit, yi
from yeji_tui.widgets.footer import KeyBar


class LeadDetailScreen(LeadActions):
    """Pushed from the pipeline or triage; Esc goes back."""

    AUTO_FOCUS = ""  # nothing: the screen's own keys work without focus
    BINDINGS = [
        *LEAD_BINDINGS,
        Binding("escape,backspace", "app.pop_screen", "key.back", id="detail.back"),
    ]

    class Loaded(Message):
        """The lead and its history, read by a worker."""

        def __init__(self, detail: LeadDetail | None) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, lead_id: int) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.card: LeadCard | None = None

    def compose(self) -> ComposeResult:
        status = Static("", id="detail-status", classes="section-heading")
        status.display = False
        yield status
        with VerticalScroll(id="detail"):
            yield Static(Content(session(self).t("loading")), id="detail-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        """Read the lead in a thread."""
        with store_session():
            detail = leads.lead_detail(self.lead_id)
        self.post_message(self.Loaded(detail))

    def on_lead_detail_screen_loaded(self, message: Loaded) -> None:
        t = session(self).t
        body = self.query_one("#detail-body", Static)
        detail = message.detail
        body.update(
            render_detail(detail, t, with_audit=True) if detail else Content(t("rule.gone"))
        )
        self.card = as_card(detail.lead) if detail else None
        self.follow_card()

    def current_card(self) -> LeadCard | None:
        return self.card

    def say(self, text: str | None, ok: bool = True) -> None:
        status = self.query_one("#detail-status", Static)
        status.display = bool(text)
        if text:
            mark = "✔ " if ok else "✘ "
            status.update(Content.assemble((mark, "bold"), plain(text)))
            status.set_class(not ok, "-refused")

    def reload(self, keep: int | None) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load()


def render_detail(detail: LeadDetail, t: Catalog, *, with_audit: bool = False) -> Content:
    """The lead's page as text: user text literally, labels from the catalog (and its whole
    audit on the lead's own page)."""
    lead = detail.lead
    industrial = t("field.industrial")
    rows: list[tuple[str, Content | str]] = [
        (t("col.company"), plain(lead.company)),
        (t("field.project"), plain(lead.project)),
        (t("field.stage"), t(f"stage.{lead.stage}")),
        (t("col.amount"), f"{lead.amount_wan} 万元（{yi(lead.amount_wan)} 亿元）"),
        (
            t("field.industry"),
            lead.industry + (f" · {industrial}" if lead.is_industrial else ""),
        ),
        (t("field.source"), lead.source),
        (t("form.head"), "✔" if lead.is_head_enterprise else "—"),
        (t("form.listed"), "✔" if lead.is_listed else "—"),
        (t("col.unit"), plain(lead.unit)),
        (t("form.consultant"), plain(lead.consultant) if lead.consultant else "—"),
        (t("form.task_force"), t(f"form.force_{lead.task_force}") if lead.task_force else "—"),
        (t("field.valid"), lead.valid_since.isoformat() if lead.valid_since else "—"),
    ]
    for key, day in (
        ("field.found_on", lead.found_on),
        ("field.signed_on", lead.signed_on),
        ("field.started_on", lead.started_on),
        ("field.dropped_on", lead.dropped_on),
        ("field.next_follow_up", lead.next_follow_up),
    ):
        if day is not None:
            rows.append((t(key), day.isoformat()))
    if lead.dropped_reason:
        rows.append((t("field.dropped_reason"), plain(lead.dropped_reason)))
    # padded by display width: a full-width space pads Chinese labels but puts English ones
    # ("Company", "Follow-up") out of line
    width = max(cell_width(label) for label, _ in rows)
    lines: list[Content] = [
        Content.assemble((fit(label, width), "$text-muted"), " ", value) for label, value in rows
    ]
    lines += [Content(""), Content.assemble((t("detail.history"), "bold $text-accent"))]
    for h in detail.history:
        moved = (
            f"{t(f'stage.{h.from_stage}')} → {t(f'stage.{h.to_stage}')}"
            if h.from_stage
            else t(f"stage.{h.to_stage}")
        )
        lines.append(Content.assemble(f"{h.on.isoformat()}  {moved}  ", plain(h.by_user)))
    lines += [Content(""), Content.assemble((t("detail.follow_ups"), "bold $text-accent"))]
    if not detail.follow_ups:
        lines.append(Content.assemble((t("detail.none"), "$text-muted")))
    for f in detail.follow_ups:
        lines.append(
            Content.assemble(
                f"{f.on.isoformat()}  ",
                plain(f.note),
                "  ",
                (plain(f.by_user).plain, "$text-muted"),
            )
        )
    if with_audit:
        lines += audit_block(t, t("audit.title"), detail.audit)
    return Content("\n").join(lines)

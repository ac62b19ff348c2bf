"""What the "Support at home" section does: each of its buttons opens its dialog
through the record controller, which keeps drafts and saves on the database lane. The
record refreshes itself from the Change."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from ui.record import support_editors
from ui.record.outcomes_controller import EditorHost
from ui.record.record_page import RecordPage

logger = logging.getLogger(__name__)


class SupportController(QObject):
    def __init__(self, page: RecordPage, host: EditorHost) -> None:
        super().__init__(page)
        self._host = host
        section = page.support
        section.add_telecare.connect(lambda: host.edit(support_editors.add_telecare))
        section.record_test.connect(
            lambda item: host.edit(lambda r: support_editors.record_test(r, item))
        )
        section.change_telecare.connect(
            lambda item: host.edit(lambda r: support_editors.change_telecare(r, item))
        )
        section.remove_telecare.connect(
            lambda item: host.edit(lambda r: support_editors.remove_telecare(r, item))
        )
        section.add_budget.connect(lambda: host.edit(support_editors.add_budget))
        section.change_budget.connect(
            lambda b: host.edit(lambda r: support_editors.change_budget(r, b))
        )
        section.end_budget.connect(lambda b: host.edit(lambda r: support_editors.end_budget(r, b)))

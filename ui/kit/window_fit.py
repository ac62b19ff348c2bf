"""Every window and dialog opens inside the screen it is on.

A field laptop may be 1280×720 at 125% scaling: 1024×576 logical pixels, less a
taskbar. A dialog sized for a desktop (a print preview 900 px tall, say) would
open with its buttons below the screen edge, where nobody can reach them. The
app's one event filter (ui/kit/app_events.py) shrinks any window as it is shown to
the screen's free area (less room for the title bar) and moves it fully onto the
screen; each window's own layout (scroll areas, wrapping rows) keeps it usable at
that size.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room for a window manager's title bar and borders, which are not yet known when
# the window is shown for the first time.
FRAME = QSize(16, 40)
# The smallest screen OneRecord is made for, in logical pixels: 1280×720 at 125%,
# less a 40 px taskbar. Every window's minimum size fits inside it.
SMALLEST_SCREEN = QSize(1024, 536)

_SKIPPED = (
    Qt.WindowType.Popup,
    Qt.WindowType.ToolTip,
    Qt.WindowType.SplashScreen,
    Qt.WindowType.Drawer,
)


def free_area(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(widget: QWidget) -> None:
    """Shrink and move `widget` (a window) inside its screen's free area."""
    if widget.isMaximized() or widget.isFullScreen():
        return
    area = free_area(widget)
    room = QSize(area.width() - FRAME.width(), area.height() - FRAME.height())
    size = widget.size().boundedTo(room).expandedTo(widget.minimumSize())
    if size != widget.size():
        widget.resize(size)
    geometry = widget.geometry()
    x = min(max(geometry.x(), area.left() + FRAME.width() // 2), area.right() - size.width())
    y = min(max(geometry.y(), area.top() + FRAME.height() - 8), area.bottom() - size.height())
    if (x, y) != (geometry.x(), geometry.y()):
        widget.move(max(area.left(), x), max(area.top(), y))


def on_show(watched: QObject) -> None:
    """A window or dialog being shown (ui/kit/app_events.py calls this for every Show
    event): fitted to its screen."""
    if isinstance(watched, QWidget) and watched.isWindow() and watched.windowType() not in _SKIPPED:
        fit(watched)

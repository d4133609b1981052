"""Where text really lands on screen: the boxes of the labels' textures, in window pixels.

Kivy draws a label's texture centred on the label (``style.kv``), whatever the label's own
size: a label squeezed smaller than its text spills over its neighbours. These helpers compare
the drawn texture boxes, not the widgets' boxes, so overlapping text is caught.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.label import Label

from tests.kiosk.harness import walk

Box = tuple[float, float, float, float]  # left, bottom, right, top
TOLERANCE = 1.0  # px: rounding of texture positions


def texture_box(label: Label) -> Box:
    width, height = label.texture_size
    x = int(label.center_x - width / 2.0)
    y = int(label.center_y - height / 2.0)
    left, bottom = label.to_window(x, y)
    return left, bottom, left + width, bottom + height


def widget_box(widget: Any) -> Box:
    left, bottom = widget.to_window(widget.x, widget.y)
    return left, bottom, left + widget.width, bottom + widget.height


def intersects(a: Box, b: Box) -> bool:
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE
        and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE
    )


def inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0] - TOLERANCE
        and inner[1] >= outer[1] - TOLERANCE
        and inner[2] <= outer[2] + TOLERANCE
        and inner[3] <= outer[3] + TOLERANCE
    )


def shown_labels(root: Any) -> list[Label]:
    return [
        w
        for w in walk(root)
        if isinstance(w, Label) and w.text.strip() and w.opacity > 0 and w.texture is not None
    ]


def overlapping_texts(root: Any) -> list[str]:
    """Pairs of labels whose drawn text overlaps, as readable strings."""
    labels = shown_labels(root)
    boxes = [(label, texture_box(label)) for label in labels]
    found = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if intersects(box_a, box_b):
                found.append(f"{a.text!r} {box_a} × {b.text!r} {box_b}")
    return found


def spilling_texts(root: Any, container: Any) -> list[str]:
    """Labels below ``container`` whose drawn text leaves the container's box."""
    outer = widget_box(container)
    return [
        f"{label.text!r} {texture_box(label)} outside {outer}"
        for label in shown_labels(root)
        if not inside(texture_box(label), outer)
    ]

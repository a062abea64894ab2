#!/usr/bin/env python3
"""A small window holding one file, for a real mouse drag (xdotool) to drop on the REMAP
window: the end-to-end tests' stand-in for a file manager (XDND with a text/uri-list, as
Nautilus and Thunar offer it).

Usage: dragsource.py FILE X Y — shows the file's name in a 200×60 window at (X, Y), prints
"ready" once the window is on screen, and exits after one drag has ended (or after 120 s).
"""
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gio, GLib, Gtk  # noqa: E402

path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
uri = Gio.File.new_for_path(os.path.abspath(path)).get_uri()

window = Gtk.Window(title="remap-e2e-drag-source")
window.set_decorated(False)
window.set_default_size(200, 60)
window.move(x, y)
source = Gtk.EventBox()
source.add(Gtk.Label(label=os.path.basename(path)))
source.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
source.drag_source_add_uri_targets()
source.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris([uri]))
source.connect("drag-end", lambda *_: GLib.timeout_add(500, Gtk.main_quit))
window.add(source)
window.connect("destroy", Gtk.main_quit)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.show_all()
GLib.timeout_add_seconds(120, Gtk.main_quit)
Gtk.main()

#!/usr/bin/python3
"""A stand-in for xdg-desktop-portal's FileChooser on a private session bus, for the file dialog tests.

Usage: fake_portal.py ANSWER   (ANSWER: a file:// URI to choose, or "cancel")
Each OpenFile/SaveFile call is printed as one JSON line (method, title, current_name, current_folder), then
answered 100 ms later with the Request's Response signal, on the request path the caller's handle_token names.
"""
import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
ANSWER = sys.argv[1]


class Request(dbus.service.Object):
    @dbus.service.signal("org.freedesktop.portal.Request", signature="ua{sv}")
    def Response(self, code, results):
        pass


class FileChooser(dbus.service.Object):
    @dbus.service.method("org.freedesktop.portal.FileChooser", in_signature="ssa{sv}", out_signature="o",
                         sender_keyword="sender")
    def OpenFile(self, parent, title, options, sender=None):
        return self.answer("OpenFile", title, options, sender)

    @dbus.service.method("org.freedesktop.portal.FileChooser", in_signature="ssa{sv}", out_signature="o",
                         sender_keyword="sender")
    def SaveFile(self, parent, title, options, sender=None):
        return self.answer("SaveFile", title, options, sender)

    def answer(self, method, title, options, sender):
        token = str(options.get("handle_token", "t"))
        path = "/org/freedesktop/portal/desktop/request/%s/%s" % (sender[1:].replace(".", "_"), token)
        request = Request(bus, path)
        folder = bytes(options.get("current_folder", b"")).rstrip(b"\0").decode()
        print(json.dumps({"method": method, "title": str(title), "current_name": str(options.get("current_name", "")),
                          "current_folder": folder}), flush=True)

        def respond():
            if ANSWER == "cancel":
                request.Response(dbus.UInt32(1), dbus.Dictionary({}, signature="sv"))
            else:
                request.Response(dbus.UInt32(0), dbus.Dictionary({"uris": dbus.Array([ANSWER], signature="s")},
                                                                 signature="sv"))
            return False

        GLib.timeout_add(100, respond)
        return dbus.ObjectPath(path)


name = dbus.service.BusName("org.freedesktop.portal.Desktop", bus)
FileChooser(bus, "/org/freedesktop/portal/desktop")
print("ready", flush=True)
GLib.MainLoop().run()

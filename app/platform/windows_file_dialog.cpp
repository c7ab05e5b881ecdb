// IFileOpenDialog / IFileSaveDialog: Windows' own file dialog, on the dialog's thread (a COM apartment of its own).
#ifdef _WIN32
#include <windows.h>
#include <shobjidl.h>

#include <filesystem>

#include "file_dialog_backends.hpp"

namespace socketeer::platform {

namespace {

std::wstring wide(const std::string& utf8) {
    if (utf8.empty()) return {};
    const int size = MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, nullptr, 0);
    std::wstring out(static_cast<std::size_t>(size > 0 ? size - 1 : 0), L'\0');
    if (size > 1) MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, out.data(), size);
    return out;
}

std::string utf8(const wchar_t* text) {
    const int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(size > 0 ? size - 1 : 0), '\0');
    if (size > 1) WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
    return out;
}

/// Releases a COM interface when it goes out of scope.
template <class T>
struct ComPtr {
    T* p = nullptr;
    ~ComPtr() {
        if (p) p->Release();
    }
};

} // namespace

BackendAnswer runWindowsDialog(const app::FileDialogRequest& request) {
    BackendAnswer out;
    const HRESULT init = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
    if (FAILED(init)) {
        out.answer.error = "cannot start COM for the file dialog";
        return out;
    }
    {
        ComPtr<IFileDialog> dialog;
        const bool save = request.kind == app::FileDialogKind::Save;
        HRESULT hr = CoCreateInstance(save ? CLSID_FileSaveDialog : CLSID_FileOpenDialog, nullptr, CLSCTX_INPROC_SERVER,
                                      save ? IID_IFileSaveDialog : IID_IFileOpenDialog, reinterpret_cast<void**>(&dialog.p));
        if (FAILED(hr)) {
            out.unavailable = true;
            out.answer.error = "the Windows file dialog is not available";
        } else {
            dialog.p->SetTitle(wide(request.title).c_str());
            const std::filesystem::path suggested(request.suggested);
            if (save && suggested.has_filename()) dialog.p->SetFileName(suggested.filename().wstring().c_str());
            if (suggested.has_parent_path() && suggested.is_absolute()) {
                ComPtr<IShellItem> folder;
                if (SUCCEEDED(SHCreateItemFromParsingName(suggested.parent_path().wstring().c_str(), nullptr,
                                                          IID_IShellItem, reinterpret_cast<void**>(&folder.p))))
                    dialog.p->SetFolder(folder.p);
            }
            hr = dialog.p->Show(nullptr);
            if (SUCCEEDED(hr)) {
                ComPtr<IShellItem> item;
                PWSTR path = nullptr;
                if (SUCCEEDED(dialog.p->GetResult(&item.p)) && SUCCEEDED(item.p->GetDisplayName(SIGDN_FILESYSPATH, &path))) {
                    out.answer.path = utf8(path);
                    CoTaskMemFree(path);
                }
            } else if (hr != HRESULT_FROM_WIN32(ERROR_CANCELLED)) {
                out.answer.error = "the Windows file dialog failed";
            }
        }
    }
    CoUninitialize();
    return out;
}

} // namespace socketeer::platform
#endif

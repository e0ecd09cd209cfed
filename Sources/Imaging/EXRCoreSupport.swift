import COpenEXR
import Foundation

/// Glue for the OpenEXR core C API: a context initializer whose error handler
/// records messages instead of printing them to stderr, and result checking
/// that turns an `exr_result_t` into an `ImagingError`.
enum EXRCore {
    private static let lastErrorKey = "lacquer.imaging.exr.lastError"

    /// Stores the library's detailed message per thread (handlers run
    /// synchronously on the calling thread, and cannot capture context).
    private static let recordError: exr_error_handler_cb_t = { _, code, message in
        let text = message.map { String(cString: $0) }
            ?? String(cString: exr_get_default_error_message(code))
        Thread.current.threadDictionary[EXRCore.lastErrorKey] = text
    }

    /// The documented defaults plus our silent error handler.
    static func initializer() -> exr_context_initializer_t {
        var initializer = lq_exr_default_initializer()
        initializer.error_handler_fn = recordError
        return initializer
    }

    static func clearLastError() {
        Thread.current.threadDictionary.removeObject(forKey: lastErrorKey)
    }

    /// The most specific message available for a failed call.
    static func message(for result: exr_result_t) -> String {
        if let text = Thread.current.threadDictionary[lastErrorKey] as? String, !text.isEmpty {
            return text
        }
        return String(cString: exr_get_default_error_message(result))
    }

    /// Throws unless `result` is success.
    static func check(_ result: exr_result_t, path: String, kind: ImagingError.Kind,
                      _ doing: String, advice: String) throws {
        guard result != exr_result_t(EXR_ERR_SUCCESS.rawValue) else { return }
        throw ImagingError(kind, path: path, "\(doing) failed: \(message(for: result)); \(advice)")
    }
}

import CCurl

/// A `multipart/form-data` POST with a file as its last part, streamed from disk by libcurl's MIME API (a meter
/// file may be gigabytes): how a browser sends an S3 POST form, and how `consumption upload` sends one.
enum FormPost {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The response's status and body.
    static func send(
        to url: String, fields: [(name: String, value: String)], fileField: String, path: String, fileName: String,
        contentType: String
    ) throws(Failure) -> (status: Int, body: [UInt8]) {
        guard let handle = curl_easy_init() else { throw Failure(description: "libcurl did not start") }
        defer { curl_easy_cleanup(handle) }
        guard let form = curl_mime_init(handle) else { throw Failure(description: "libcurl made no form") }
        defer { curl_mime_free(form) }
        for field in fields {
            let part = curl_mime_addpart(form)
            curl_mime_name(part, field.name)
            curl_mime_data(part, field.value, field.value.utf8.count)
        }
        // S3 reads no field after the file: it goes last.
        let file = curl_mime_addpart(form)
        curl_mime_name(file, fileField)
        guard curl_mime_filedata(file, path) == CURLE_OK else { throw Failure(description: "cannot read \(path)") }
        curl_mime_filename(file, fileName)
        curl_mime_type(file, contentType)

        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_pointer(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(form))
        ccurl_setopt_write(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().body.append(contentsOf: bytes)
            return size * count
        }
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, box.toOpaque())
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        // No total limit for a large file; a transfer that moves under 1 KB/s for 60 s is given up.
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1024)
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw Failure(description: "the upload to \(url) failed: \(String(cString: curl_easy_strerror(code)))")
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return (status, sink.body)
    }

    private final class Sink {
        var body: [UInt8] = []
    }
}

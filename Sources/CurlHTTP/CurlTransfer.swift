import CCurl

/// One exchange's state while libcurl runs it: the request body it reads from, and where the status, headers and
/// body go. libcurl's C callbacks find it through the opaque pointer they are given.
final class CurlTransfer {
    let request: HTTPRequest
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    private let onBody: ((UnsafeRawBufferPointer) -> Bool)?
    private let onHead: ((Int, [(name: String, value: String)]) -> Void)?
    private var headDelivered = false
    private(set) var aborted = false
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    init(
        request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: ((UnsafeRawBufferPointer) -> Bool)?
    ) {
        self.request = request
        self.onHead = onHead
        self.onBody = onBody
        errorBuffer.initialize(to: 0)
    }

    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    var response: HTTPResponse { HTTPResponse(status: status, headers: headers, body: body) }

    /// A header line: a status line starts a new response (after `100 Continue` or a redirect).
    fileprivate func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0 && (line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
        } else if let colon = text.firstIndex(of: ":") {
            let value = text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((String(text[..<colon]), String(value)))
        }
    }

    /// Body bytes: to the callback when there is one, else kept. False stops the transfer.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        deliverHead()
        guard let onBody else {
            body.append(contentsOf: bytes)
            return true
        }
        aborted = !onBody(bytes)
        return !aborted
    }

    func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        onHead?(status, headers)
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer? {
        pointer.map { Unmanaged<CurlTransfer>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// libcurl's callbacks: plain C functions, no captures.
enum CurlCallbacks {
    static let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let transfer = CurlTransfer.from(context) else { return 0 }
        let length = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.receiveHeader(UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let transfer = CurlTransfer.from(context) else { return 0 }
        let length = size * count
        return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }
}

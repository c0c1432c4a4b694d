import CCurl

extension CurlHTTPClient {
    /// Sends every request, at most `maxInFlight` at a time over curl's multi interface, and returns each one's
    /// outcome in request order. Each request's own timeout bounds it, so the whole call is bounded too. A request
    /// `mayStart` refuses when its turn comes is not sent (`HTTPError.notStarted`).
    public func sendAll(
        _ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)? = nil
    ) -> [Result<HTTPResponse, HTTPError>] {
        var results = [Result<HTTPResponse, HTTPError>?](repeating: nil, count: requests.count)
        guard let multi = curl_multi_init() else {
            let failure = HTTPError.transport(
                TransportFailure(kind: .other, code: -1, message: "curl_multi_init failed"))
            return requests.map { _ in .failure(failure) }
        }
        defer { curl_multi_cleanup(multi) }
        let limit = max(1, min(maxInFlight, configuration.maxHandles))
        var running: [UnsafeMutableRawPointer: (index: Int, transfer: CurlTransfer)] = [:]
        var next = 0

        func startMore() {
            while running.count < limit && next < requests.count {
                let index = next
                next += 1
                if let mayStart, !mayStart(index) {
                    results[index] = .failure(.notStarted)
                    continue
                }
                let transfer = CurlTransfer(request: requests[index], onHead: nil, onBody: nil)
                do throws(HTTPError) {
                    let handle = try takeHandle()
                    do throws(HTTPError) {
                        try configure(handle, for: transfer)
                    } catch {
                        returnHandle(handle)
                        throw error
                    }
                    curl_multi_add_handle(multi, handle)
                    running[handle] = (index, transfer)
                } catch {
                    results[index] = .failure(error)
                }
            }
        }

        startMore()
        var stillRunning: Int32 = 0
        while !running.isEmpty {
            curl_multi_perform(multi, &stillRunning)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let (index, transfer) = running.removeValue(forKey: handle)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                do throws(HTTPError) {
                    results[index] = .success(try finish(handle, transfer, code))
                } catch {
                    results[index] = .failure(error)
                }
                returnHandle(handle)
            }
            startMore()
            if !running.isEmpty { curl_multi_poll(multi, nil, 0, 100, nil) }
        }
        return results.map {
            $0 ?? .failure(.transport(TransportFailure(kind: .other, code: -1, message: "not sent")))
        }
    }
}

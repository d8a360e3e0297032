import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that NIO's HTTP parser cannot read with a coded problem in Chinese.
///
/// Such a request never reaches the router: the parser fails, and Hummingbird answers `400`
/// with an empty body and closes. The usual cause is a hand-written URL with raw Chinese in it
/// (`curl 'http://…/api/v1/cases?q=锦州'`; browsers and HTTP libraries percent-encode), which
/// then looked like a broken server. This handler sits after the HTTP codec in each
/// connection's pipeline, sees the parser's error first and writes `application/problem+json`
/// (`http.url_unencoded` or `http.unreadable`) before closing.
///
/// Only when no response is under way on the connection: with a pipelined request still being
/// answered, the error goes on to Hummingbird's own handling, whose 400 follows that response.
final class UnreadableRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests read whose response has not been written to its end.
    private var unanswered = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let problem = Self.problem(for: parserError)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = context.channel.allocator.buffer(bytes: (try? encoder.encode(problem)) ?? Data())
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/problem+json; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The problem for a parser error: an unencoded URL names the fix; anything else is a
    /// request that is not HTTP/1.1 as written.
    static func problem(for error: HTTPParserError) -> Problem {
        switch error {
        case .invalidURL:
            return Problem(status: .badRequest, code: "http.url_unencoded",
                           title: "请求地址中有未编码的字符（如中文或空格）",
                           detail: "请对地址中的查询参数做百分号编码（URL 编码）后重试，例如 q=%E9%94%A6%E5%B7%9E 表示“锦州”；浏览器和常用 HTTP 库会自动编码。")
        default:
            return Problem(status: .badRequest, code: "http.unreadable", title: "请求不是有效的 HTTP/1.1 请求，无法读取",
                           detail: "解析错误：\(error)")
        }
    }
}

import Hummingbird
import HTTPTypes

/// The pages' one stylesheet, served by us so the CSP can forbid inline styles. Sized for
/// 1366×768 and printable.
enum StaticAssets {
    static func register(on router: Router<HuqiRequestContext>) {
        router.get("/static/huqi.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: stylesheet)))
        }
    }

    static let stylesheet = """
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.6 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:#1f2328;background:#f6f7f9}
        header.top{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1.5rem;background:#8b1a1a;color:#fff}
        header.top a{color:#fff;text-decoration:none}
        .brand{font-weight:bold;margin-right:1rem}
        nav a{margin-right:1rem}
        .logout{margin-left:auto;display:flex;gap:.5rem;align-items:center}
        main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem}
        h1{font-size:1.4rem}
        h2{font-size:1.1rem;margin:.2rem 0 .6rem}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:0 0 1rem}
        .narrow{max-width:360px}
        label{display:block;margin:.6rem 0 .2rem;font-weight:600}
        label.check{font-weight:normal}
        input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #8c959f;border-radius:4px;width:100%;max-width:560px}
        input[type=checkbox]{width:auto}
        input[type=file]{border:none;padding:0}
        [aria-invalid=true]{border-color:#cf222e;outline:1px solid #cf222e}
        button{font:inherit;margin-top:.6rem;padding:.35rem 1rem;border:1px solid #8b1a1a;border-radius:4px;background:#8b1a1a;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#8b1a1a}
        button[disabled]{opacity:.5;cursor:default}
        header button{margin:0;background:#fff;color:#8b1a1a}
        table{width:100%;border-collapse:collapse;background:#fff;margin-bottom:1rem}
        caption{text-align:left;color:#57606a;padding:.3rem 0}
        th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
        td form button{margin:0}
        .num{text-align:right}
        .notice{padding:.5rem .8rem;border-radius:4px}
        .notice.success{background:#dafbe1;border:1px solid #4ac26b}
        .notice.warning{background:#fff8c5;border:1px solid #d4a72c}
        .notice.error,.field-error{background:#ffebe9;border:1px solid #ff8182;color:#82071e}
        .field-error{padding:.3rem .6rem;border-radius:4px}
        .badge{display:inline-block;padding:0 .4rem;border-radius:8px;font-size:.85em;margin-right:.3rem}
        .badge.overdue{background:#cf222e;color:#fff}
        .badge.near{background:#bf8700;color:#fff}
        .badge.moved{background:#eaeef2;color:#24292f}
        .badge.duplicate{background:#fff8c5;color:#4d2d00}
        dl.counts{display:flex;flex-wrap:wrap;gap:.5rem}
        dl.counts div{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;min-width:7rem}
        dl.counts dt{color:#57606a;font-size:.85em}
        dl.counts dd{margin:0;font-size:1.3rem;font-weight:bold}
        dl.facts{display:grid;grid-template-columns:10rem 1fr;gap:.2rem 1rem}
        dl.facts dt{color:#57606a}
        dl.facts dd{margin:0;white-space:pre-wrap}
        .timeline{padding-left:1.2rem}
        .provisional{color:#9a6700}
        dl.details{display:grid;grid-template-columns:auto 1fr;gap:0 .8rem;margin:.2rem 0 .6rem;font-size:.92em}
        dl.details dt{color:#57606a}
        dl.details dd{margin:0;white-space:pre-wrap}
        .hint{color:#57606a;font-size:.9em;margin:.2rem 0}
        .pager{display:flex;gap:1rem}
        form.inline{display:flex;gap:.5rem;align-items:end}
        form.inline input{width:12rem}
        form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.2rem 0 .6rem}
        form.search label{margin:0}form.search input{max-width:28rem}form.search button{margin:0}
        form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:0 1rem;align-items:end}
        form.filters label{margin:.3rem 0 .1rem}form.filters input,form.filters select{width:100%}form.filters button{margin:.6rem 0 0;justify-self:start}
        form.filters .wide{grid-column:span 2}form.filters label.check input{width:auto}form.filters button+a{margin-left:.8rem}
        @media print{header.top,form,.pager{display:none}body{background:#fff}.card{border:none}}
        """
}

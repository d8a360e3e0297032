import Hummingbird
import Store

// The workflow's views are answered as JSON as they are.
extension CaseDetail: ResponseEncodable {}
extension CaseSummary: ResponseEncodable {}
extension QueueCount: ResponseEncodable {}
extension CaseTransfer.Receipt: ResponseEncodable {}

#include "api/errors.h"

#include <array>

namespace facesync::api {

namespace {

using boost::beast::http::status;

struct ErrorRow {
  ErrorCode code;
  int errcode;
  status legacy_status;
  status v2_status;
  const char* message;  // short enough for a gate's display
};

// The errcode table. README's table is this one, in words.
constexpr std::array kErrors = {
    ErrorRow{ErrorCode::kMalformedBody, 1001, status::bad_request,
             status::bad_request, "请求体无法解析 / request body unreadable"},
    ErrorRow{ErrorCode::kUnsupportedMediaType, 1002,
             status::unsupported_media_type, status::unsupported_media_type,
             "不支持的内容类型 / unsupported content type"},
    ErrorRow{ErrorCode::kBodyTooLarge, 1003, status::payload_too_large,
             status::payload_too_large, "请求体过大 / request body too large"},
    ErrorRow{ErrorCode::kMethodNotAllowed, 1004, status::method_not_allowed,
             status::method_not_allowed,
             "不支持的请求方法 / method not allowed"},
    ErrorRow{ErrorCode::kNoSuchEndpoint, 1005, status::not_found,
             status::not_found, "接口不存在 / no such endpoint"},
    ErrorRow{ErrorCode::kBadQuery, 1006, status::bad_request,
             status::bad_request, "查询参数无效 / query parameter invalid"},
    ErrorRow{ErrorCode::kBadGateNum, 2001, status::ok, status::bad_request,
             "闸机编号 gatenum 无效 / gatenum invalid"},
    ErrorRow{ErrorCode::kBadLastSuccessIndex, 2002, status::ok,
             status::bad_request,
             "同步序号 lastsuccessindex 无效 / lastsuccessindex invalid"},
    ErrorRow{ErrorCode::kBadTicketCode, 2003, status::ok, status::bad_request,
             "票号 ticketcode 无效 / ticketcode invalid"},
    ErrorRow{ErrorCode::kBadImage, 2004, status::ok, status::bad_request,
             "人脸图片 image 无效 / image invalid"},
    ErrorRow{ErrorCode::kImageTooLarge, 2005, status::ok,
             status::payload_too_large,
             "人脸图片 image 过大 / image too large"},
    ErrorRow{ErrorCode::kBadDates, 2006, status::ok, status::bad_request,
             "有效期 effdatebegin/effdateend 无效 / validity dates invalid"},
    ErrorRow{ErrorCode::kBadTemplateInfo, 2007, status::ok, status::bad_request,
             "附加特征值 additionaltemplateinfo 无效 / "
             "additionaltemplateinfo invalid"},
    ErrorRow{ErrorCode::kFaceNotFound, 3001, status::ok, status::not_found,
             "人脸不存在 / no live face for this ticket"},
    ErrorRow{ErrorCode::kBadSite, 2008, status::ok, status::bad_request,
             "站点 site 无效 / site invalid"},
    ErrorRow{ErrorCode::kBadGate, 2009, status::ok, status::bad_request,
             "闸机设置无效 / gate settings invalid"},
    ErrorRow{ErrorCode::kUnknownGate, 4001, status::ok, status::not_found,
             "闸机未登记 / gate not registered"},
    ErrorRow{ErrorCode::kGateDisabled, 4002, status::ok, status::forbidden,
             "闸机已停用 / gate disabled"},
    ErrorRow{ErrorCode::kStorage, 5001, status::internal_server_error,
             status::internal_server_error, "存储故障 / storage failure"},
    ErrorRow{ErrorCode::kUnavailable, 5002, status::service_unavailable,
             status::service_unavailable, "服务暂不可用 / service unavailable"},
};

}  // namespace

ErrorAnswer describe_error(const Status& why, Audience audience) {
  for (const ErrorRow& row : kErrors) {
    if (row.code != why.code()) continue;
    ErrorAnswer answer;
    answer.status =
        audience == Audience::kLegacy ? row.legacy_status : row.v2_status;
    answer.errcode = row.errcode;
    answer.errmsg = row.message;
    // Storage details name files and SQL: they go to the log, not the gate.
    if (!why.detail().empty() && why.code() != ErrorCode::kStorage) {
      answer.errmsg += ": " + why.detail();
    }
    return answer;
  }
  return ErrorAnswer{status::internal_server_error, 5000,
                     "内部错误 / internal error"};
}

}  // namespace facesync::api

// wpp_decoder: reads WPP arguments by TMF item type and prints them the way tracefmt does;
// the expected strings of findneedle's WPP fixtures (corpus SOURCES.txt §7) are the reference.
#include "lib/decode/wpp/wpp_decoder.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "lib/base/byte_cursor.h"
#include "lib/base/net_address.h"
#include "lib/base/time_format.h"
#include "lib/base/unicode.h"
#include "lib/decode/schema.h"
#include "lib/etl/layout.h"
#include "lib/event/record_event.h"

namespace etwcat::decode {

namespace {

// --- status code names ---------------------------------------------------------------------

struct code_name {
  std::uint32_t code;
  std::string_view name;
};

constexpr code_name win32_errors[] = {
    {0, "ERROR_SUCCESS"},
    {1, "ERROR_INVALID_FUNCTION"},
    {2, "ERROR_FILE_NOT_FOUND"},
    {3, "ERROR_PATH_NOT_FOUND"},
    {4, "ERROR_TOO_MANY_OPEN_FILES"},
    {5, "ERROR_ACCESS_DENIED"},
    {6, "ERROR_INVALID_HANDLE"},
    {8, "ERROR_NOT_ENOUGH_MEMORY"},
    {11, "ERROR_BAD_FORMAT"},
    {12, "ERROR_INVALID_ACCESS"},
    {13, "ERROR_INVALID_DATA"},
    {14, "ERROR_OUTOFMEMORY"},
    {15, "ERROR_INVALID_DRIVE"},
    {18, "ERROR_NO_MORE_FILES"},
    {19, "ERROR_WRITE_PROTECT"},
    {21, "ERROR_NOT_READY"},
    {22, "ERROR_BAD_COMMAND"},
    {23, "ERROR_CRC"},
    {24, "ERROR_BAD_LENGTH"},
    {29, "ERROR_WRITE_FAULT"},
    {30, "ERROR_READ_FAULT"},
    {31, "ERROR_GEN_FAILURE"},
    {32, "ERROR_SHARING_VIOLATION"},
    {33, "ERROR_LOCK_VIOLATION"},
    {38, "ERROR_HANDLE_EOF"},
    {50, "ERROR_NOT_SUPPORTED"},
    {52, "ERROR_DUP_NAME"},
    {53, "ERROR_BAD_NETPATH"},
    {55, "ERROR_DEV_NOT_EXIST"},
    {59, "ERROR_UNEXP_NET_ERR"},
    {64, "ERROR_NETNAME_DELETED"},
    {65, "ERROR_NETWORK_ACCESS_DENIED"},
    {67, "ERROR_BAD_NET_NAME"},
    {80, "ERROR_FILE_EXISTS"},
    {86, "ERROR_INVALID_PASSWORD"},
    {87, "ERROR_INVALID_PARAMETER"},
    {109, "ERROR_BROKEN_PIPE"},
    {111, "ERROR_BUFFER_OVERFLOW"},
    {112, "ERROR_DISK_FULL"},
    {120, "ERROR_CALL_NOT_IMPLEMENTED"},
    {121, "ERROR_SEM_TIMEOUT"},
    {122, "ERROR_INSUFFICIENT_BUFFER"},
    {123, "ERROR_INVALID_NAME"},
    {124, "ERROR_INVALID_LEVEL"},
    {126, "ERROR_MOD_NOT_FOUND"},
    {127, "ERROR_PROC_NOT_FOUND"},
    {145, "ERROR_DIR_NOT_EMPTY"},
    {161, "ERROR_BAD_PATHNAME"},
    {167, "ERROR_LOCK_FAILED"},
    {170, "ERROR_BUSY"},
    {183, "ERROR_ALREADY_EXISTS"},
    {193, "ERROR_BAD_EXE_FORMAT"},
    {203, "ERROR_ENVVAR_NOT_FOUND"},
    {206, "ERROR_FILENAME_EXCED_RANGE"},
    {216, "ERROR_EXE_MACHINE_TYPE_MISMATCH"},
    {231, "ERROR_PIPE_BUSY"},
    {232, "ERROR_NO_DATA"},
    {233, "ERROR_PIPE_NOT_CONNECTED"},
    {234, "ERROR_MORE_DATA"},
    {258, "WAIT_TIMEOUT"},
    {259, "ERROR_NO_MORE_ITEMS"},
    {267, "ERROR_DIRECTORY"},
    {288, "ERROR_NOT_OWNER"},
    {299, "ERROR_PARTIAL_COPY"},
    {303, "ERROR_DELETE_PENDING"},
    {317, "ERROR_MR_MID_NOT_FOUND"},
    {487, "ERROR_INVALID_ADDRESS"},
    {534, "ERROR_ARITHMETIC_OVERFLOW"},
    {535, "ERROR_PIPE_CONNECTED"},
    {577, "ERROR_INVALID_IMAGE_HASH"},
    {740, "ERROR_ELEVATION_REQUIRED"},
    {995, "ERROR_OPERATION_ABORTED"},
    {996, "ERROR_IO_INCOMPLETE"},
    {997, "ERROR_IO_PENDING"},
    {998, "ERROR_NOACCESS"},
    {1001, "ERROR_STACK_OVERFLOW"},
    {1004, "ERROR_INVALID_FLAGS"},
    {1005, "ERROR_UNRECOGNIZED_VOLUME"},
    {1006, "ERROR_FILE_INVALID"},
    {1008, "ERROR_NO_TOKEN"},
    {1011, "ERROR_CANTOPEN"},
    {1015, "ERROR_REGISTRY_CORRUPT"},
    {1052, "ERROR_INVALID_SERVICE_CONTROL"},
    {1053, "ERROR_SERVICE_REQUEST_TIMEOUT"},
    {1056, "ERROR_SERVICE_ALREADY_RUNNING"},
    {1058, "ERROR_SERVICE_DISABLED"},
    {1060, "ERROR_SERVICE_DOES_NOT_EXIST"},
    {1062, "ERROR_SERVICE_NOT_ACTIVE"},
    {1073, "ERROR_SERVICE_EXISTS"},
    {1113, "ERROR_NO_UNICODE_TRANSLATION"},
    {1114, "ERROR_DLL_INIT_FAILED"},
    {1117, "ERROR_IO_DEVICE"},
    {1150, "ERROR_OLD_WIN_VERSION"},
    {1167, "ERROR_DEVICE_NOT_CONNECTED"},
    {1168, "ERROR_NOT_FOUND"},
    {1210, "ERROR_INVALID_COMPUTERNAME"},
    {1223, "ERROR_CANCELLED"},
    {1225, "ERROR_CONNECTION_REFUSED"},
    {1227, "ERROR_ADDRESS_ALREADY_ASSOCIATED"},
    {1229, "ERROR_CONNECTION_INVALID"},
    {1231, "ERROR_NETWORK_UNREACHABLE"},
    {1232, "ERROR_HOST_UNREACHABLE"},
    {1234, "ERROR_PORT_UNREACHABLE"},
    {1235, "ERROR_REQUEST_ABORTED"},
    {1236, "ERROR_CONNECTION_ABORTED"},
    {1246, "ERROR_CONTINUE"},
    {1300, "ERROR_NOT_ALL_ASSIGNED"},
    {1305, "ERROR_UNKNOWN_REVISION"},
    {1312, "ERROR_NO_SUCH_LOGON_SESSION"},
    {1313, "ERROR_NO_SUCH_PRIVILEGE"},
    {1314, "ERROR_PRIVILEGE_NOT_HELD"},
    {1317, "ERROR_NO_SUCH_USER"},
    {1323, "ERROR_WRONG_PASSWORD"},
    {1326, "ERROR_LOGON_FAILURE"},
    {1327, "ERROR_ACCOUNT_RESTRICTION"},
    {1330, "ERROR_PASSWORD_EXPIRED"},
    {1331, "ERROR_ACCOUNT_DISABLED"},
    {1332, "ERROR_NONE_MAPPED"},
    {1336, "ERROR_INVALID_ACL"},
    {1337, "ERROR_INVALID_SID"},
    {1338, "ERROR_INVALID_SECURITY_DESCR"},
    {1346, "ERROR_BAD_IMPERSONATION_LEVEL"},
    {1355, "ERROR_NO_SUCH_DOMAIN"},
    {1359, "ERROR_INTERNAL_ERROR"},
    {1392, "ERROR_FILE_CORRUPT"},
    {1393, "ERROR_DISK_CORRUPT"},
    {1400, "ERROR_INVALID_WINDOW_HANDLE"},
    {1450, "ERROR_NO_SYSTEM_RESOURCES"},
    {1455, "ERROR_COMMITMENT_LIMIT"},
    {1460, "ERROR_TIMEOUT"},
    {1603, "ERROR_INSTALL_FAILURE"},
    {1617, "ERROR_DEVICE_REMOVED"},
    {1722, "RPC_S_SERVER_UNAVAILABLE"},
    {1726, "RPC_S_CALL_FAILED"},
    {1784, "ERROR_INVALID_USER_BUFFER"},
    {1812, "ERROR_RESOURCE_DATA_NOT_FOUND"},
    {1813, "ERROR_RESOURCE_TYPE_NOT_FOUND"},
    {1814, "ERROR_RESOURCE_NAME_NOT_FOUND"},
    {1816, "ERROR_NOT_ENOUGH_QUOTA"},
    {2250, "ERROR_NOT_CONNECTED"},
    {2404, "ERROR_DEVICE_IN_USE"},
    {3010, "ERROR_SUCCESS_REBOOT_REQUIRED"},
    {4312, "ERROR_OBJECT_NOT_FOUND"},
    {4317, "ERROR_INVALID_OPERATION"},
    {4319, "ERROR_DEVICE_NOT_AVAILABLE"},
    {4390, "ERROR_NOT_A_REPARSE_POINT"},
    {5023, "ERROR_INVALID_STATE"},
    {10004, "WSAEINTR"},
    {10013, "WSAEACCES"},
    {10014, "WSAEFAULT"},
    {10022, "WSAEINVAL"},
    {10024, "WSAEMFILE"},
    {10035, "WSAEWOULDBLOCK"},
    {10036, "WSAEINPROGRESS"},
    {10038, "WSAENOTSOCK"},
    {10048, "WSAEADDRINUSE"},
    {10049, "WSAEADDRNOTAVAIL"},
    {10050, "WSAENETDOWN"},
    {10051, "WSAENETUNREACH"},
    {10053, "WSAECONNABORTED"},
    {10054, "WSAECONNRESET"},
    {10055, "WSAENOBUFS"},
    {10057, "WSAENOTCONN"},
    {10060, "WSAETIMEDOUT"},
    {10061, "WSAECONNREFUSED"},
    {10065, "WSAEHOSTUNREACH"},
    {11001, "WSAHOST_NOT_FOUND"},
};

constexpr code_name nt_statuses[] = {
    {0x00000000, "STATUS_SUCCESS"},
    {0x00000001, "STATUS_WAIT_1"},
    {0x00000080, "STATUS_ABANDONED"},
    {0x000000C0, "STATUS_USER_APC"},
    {0x00000101, "STATUS_ALERTED"},
    {0x00000102, "STATUS_TIMEOUT"},
    {0x00000103, "STATUS_PENDING"},
    {0x00000104, "STATUS_REPARSE"},
    {0x00000105, "STATUS_MORE_ENTRIES"},
    {0x00000106, "STATUS_NOT_ALL_ASSIGNED"},
    {0x00000107, "STATUS_SOME_NOT_MAPPED"},
    {0x40000000, "STATUS_OBJECT_NAME_EXISTS"},
    {0x80000001, "STATUS_GUARD_PAGE_VIOLATION"},
    {0x80000002, "STATUS_DATATYPE_MISALIGNMENT"},
    {0x80000003, "STATUS_BREAKPOINT"},
    {0x80000004, "STATUS_SINGLE_STEP"},
    {0x80000005, "STATUS_BUFFER_OVERFLOW"},
    {0x80000006, "STATUS_NO_MORE_FILES"},
    {0x8000001A, "STATUS_NO_MORE_ENTRIES"},
    {0xC0000001, "STATUS_UNSUCCESSFUL"},
    {0xC0000002, "STATUS_NOT_IMPLEMENTED"},
    {0xC0000003, "STATUS_INVALID_INFO_CLASS"},
    {0xC0000004, "STATUS_INFO_LENGTH_MISMATCH"},
    {0xC0000005, "STATUS_ACCESS_VIOLATION"},
    {0xC0000006, "STATUS_IN_PAGE_ERROR"},
    {0xC0000007, "STATUS_PAGEFILE_QUOTA"},
    {0xC0000008, "STATUS_INVALID_HANDLE"},
    {0xC0000009, "STATUS_BAD_INITIAL_STACK"},
    {0xC000000D, "STATUS_INVALID_PARAMETER"},
    {0xC000000E, "STATUS_NO_SUCH_DEVICE"},
    {0xC000000F, "STATUS_NO_SUCH_FILE"},
    {0xC0000010, "STATUS_INVALID_DEVICE_REQUEST"},
    {0xC0000011, "STATUS_END_OF_FILE"},
    {0xC0000012, "STATUS_WRONG_VOLUME"},
    {0xC0000013, "STATUS_NO_MEDIA_IN_DEVICE"},
    {0xC0000014, "STATUS_UNRECOGNIZED_MEDIA"},
    {0xC0000015, "STATUS_NONEXISTENT_SECTOR"},
    {0xC0000016, "STATUS_MORE_PROCESSING_REQUIRED"},
    {0xC0000017, "STATUS_NO_MEMORY"},
    {0xC0000018, "STATUS_CONFLICTING_ADDRESSES"},
    {0xC000001D, "STATUS_ILLEGAL_INSTRUCTION"},
    {0xC000001E, "STATUS_INVALID_LOCK_SEQUENCE"},
    {0xC0000021, "STATUS_ALREADY_COMMITTED"},
    {0xC0000022, "STATUS_ACCESS_DENIED"},
    {0xC0000023, "STATUS_BUFFER_TOO_SMALL"},
    {0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH"},
    {0xC0000025, "STATUS_NONCONTINUABLE_EXCEPTION"},
    {0xC0000030, "STATUS_INVALID_PARAMETER_MIX"},
    {0xC0000033, "STATUS_OBJECT_NAME_INVALID"},
    {0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xC0000035, "STATUS_OBJECT_NAME_COLLISION"},
    {0xC0000039, "STATUS_OBJECT_PATH_INVALID"},
    {0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND"},
    {0xC000003B, "STATUS_OBJECT_PATH_SYNTAX_BAD"},
    {0xC000003C, "STATUS_DATA_OVERRUN"},
    {0xC000003E, "STATUS_DATA_ERROR"},
    {0xC000003F, "STATUS_CRC_ERROR"},
    {0xC0000043, "STATUS_SHARING_VIOLATION"},
    {0xC0000044, "STATUS_QUOTA_EXCEEDED"},
    {0xC0000045, "STATUS_INVALID_PAGE_PROTECTION"},
    {0xC000004B, "STATUS_THREAD_IS_TERMINATING"},
    {0xC0000054, "STATUS_FILE_LOCK_CONFLICT"},
    {0xC0000055, "STATUS_LOCK_NOT_GRANTED"},
    {0xC0000056, "STATUS_DELETE_PENDING"},
    {0xC000005E, "STATUS_NO_LOGON_SERVERS"},
    {0xC0000061, "STATUS_PRIVILEGE_NOT_HELD"},
    {0xC0000064, "STATUS_NO_SUCH_USER"},
    {0xC000006A, "STATUS_WRONG_PASSWORD"},
    {0xC000006D, "STATUS_LOGON_FAILURE"},
    {0xC000006E, "STATUS_ACCOUNT_RESTRICTION"},
    {0xC000006F, "STATUS_INVALID_LOGON_HOURS"},
    {0xC0000070, "STATUS_INVALID_WORKSTATION"},
    {0xC0000071, "STATUS_PASSWORD_EXPIRED"},
    {0xC0000072, "STATUS_ACCOUNT_DISABLED"},
    {0xC0000073, "STATUS_NONE_MAPPED"},
    {0xC0000078, "STATUS_INVALID_SID"},
    {0xC000007F, "STATUS_DISK_FULL"},
    {0xC000008C, "STATUS_ARRAY_BOUNDS_EXCEEDED"},
    {0xC0000094, "STATUS_INTEGER_DIVIDE_BY_ZERO"},
    {0xC0000095, "STATUS_INTEGER_OVERFLOW"},
    {0xC0000096, "STATUS_PRIVILEGED_INSTRUCTION"},
    {0xC0000098, "STATUS_FILE_INVALID"},
    {0xC000009A, "STATUS_INSUFFICIENT_RESOURCES"},
    {0xC000009D, "STATUS_DEVICE_NOT_CONNECTED"},
    {0xC00000A2, "STATUS_MEDIA_WRITE_PROTECTED"},
    {0xC00000A3, "STATUS_DEVICE_NOT_READY"},
    {0xC00000AE, "STATUS_PIPE_BUSY"},
    {0xC00000B0, "STATUS_PIPE_DISCONNECTED"},
    {0xC00000B1, "STATUS_PIPE_CLOSING"},
    {0xC00000B5, "STATUS_IO_TIMEOUT"},
    {0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY"},
    {0xC00000BB, "STATUS_NOT_SUPPORTED"},
    {0xC00000BE, "STATUS_BAD_NETWORK_PATH"},
    {0xC00000C0, "STATUS_DEVICE_DOES_NOT_EXIST"},
    {0xC00000C3, "STATUS_INVALID_NETWORK_RESPONSE"},
    {0xC00000CA, "STATUS_NETWORK_ACCESS_DENIED"},
    {0xC00000CC, "STATUS_BAD_NETWORK_NAME"},
    {0xC00000D0, "STATUS_REQUEST_NOT_ACCEPTED"},
    {0xC00000E5, "STATUS_INTERNAL_ERROR"},
    {0xC00000E8, "STATUS_INVALID_USER_BUFFER"},
    {0xC00000FD, "STATUS_STACK_OVERFLOW"},
    {0xC0000100, "STATUS_VARIABLE_NOT_FOUND"},
    {0xC0000101, "STATUS_DIRECTORY_NOT_EMPTY"},
    {0xC0000102, "STATUS_FILE_CORRUPT_ERROR"},
    {0xC0000103, "STATUS_NOT_A_DIRECTORY"},
    {0xC000010A, "STATUS_PROCESS_IS_TERMINATING"},
    {0xC0000120, "STATUS_CANCELLED"},
    {0xC000012D, "STATUS_COMMITMENT_LIMIT"},
    {0xC0000133, "STATUS_TIME_DIFFERENCE_AT_DC"},
    {0xC0000135, "STATUS_DLL_NOT_FOUND"},
    {0xC0000139, "STATUS_ENTRYPOINT_NOT_FOUND"},
    {0xC0000142, "STATUS_DLL_INIT_FAILED"},
    {0xC000014B, "STATUS_PIPE_BROKEN"},
    {0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED"},
    {0xC0000182, "STATUS_DEVICE_CONFIGURATION_ERROR"},
    {0xC0000184, "STATUS_INVALID_DEVICE_STATE"},
    {0xC0000185, "STATUS_IO_DEVICE_ERROR"},
    {0xC0000188, "STATUS_LOG_FILE_FULL"},
    {0xC0000193, "STATUS_ACCOUNT_EXPIRED"},
    {0xC0000194, "STATUS_POSSIBLE_DEADLOCK"},
    {0xC0000203, "STATUS_USER_SESSION_DELETED"},
    {0xC0000206, "STATUS_INVALID_BUFFER_SIZE"},
    {0xC000020C, "STATUS_CONNECTION_DISCONNECTED"},
    {0xC000020D, "STATUS_CONNECTION_RESET"},
    {0xC0000224, "STATUS_PASSWORD_MUST_CHANGE"},
    {0xC0000225, "STATUS_NOT_FOUND"},
    {0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
    {0xC0000236, "STATUS_CONNECTION_REFUSED"},
    {0xC0000238, "STATUS_ADDRESS_ALREADY_ASSOCIATED"},
    {0xC000023A, "STATUS_CONNECTION_INVALID"},
    {0xC000023C, "STATUS_NETWORK_UNREACHABLE"},
    {0xC000023D, "STATUS_HOST_UNREACHABLE"},
    {0xC000023E, "STATUS_PROTOCOL_UNREACHABLE"},
    {0xC000023F, "STATUS_PORT_UNREACHABLE"},
    {0xC0000240, "STATUS_REQUEST_ABORTED"},
    {0xC0000241, "STATUS_CONNECTION_ABORTED"},
    {0xC0000263, "STATUS_DRIVER_ENTRYPOINT_NOT_FOUND"},
    {0xC000026E, "STATUS_VOLUME_DISMOUNTED"},
    {0xC0000279, "STATUS_IO_REPARSE_TAG_NOT_HANDLED"},
    {0xC00002C5, "STATUS_DATATYPE_MISALIGNMENT_ERROR"},
    {0xC0000374, "STATUS_HEAP_CORRUPTION"},
    {0xC0000409, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xC0000420, "STATUS_ASSERTION_FAILURE"},
    {0xC0000428, "STATUS_INVALID_IMAGE_HASH"},
};

// HRESULTs outside FACILITY_WIN32 (those take the Win32 name).
constexpr code_name hresults[] = {
    {0x00000000, "S_OK"},
    {0x00000001, "S_FALSE"},
    {0x8000000A, "E_PENDING"},
    {0x8000000B, "E_BOUNDS"},
    {0x8000000C, "E_CHANGED_STATE"},
    {0x8000000E, "E_ILLEGAL_METHOD_CALL"},
    {0x80004001, "E_NOTIMPL"},
    {0x80004002, "E_NOINTERFACE"},
    {0x80004003, "E_POINTER"},
    {0x80004004, "E_ABORT"},
    {0x80004005, "E_FAIL"},
    {0x8000FFFF, "E_UNEXPECTED"},
    {0x80010105, "RPC_E_SERVERFAULT"},
    {0x80010106, "RPC_E_CHANGED_MODE"},
    {0x80010108, "RPC_E_DISCONNECTED"},
    {0x8001010E, "RPC_E_WRONG_THREAD"},
    {0x80020003, "DISP_E_MEMBERNOTFOUND"},
    {0x80020005, "DISP_E_TYPEMISMATCH"},
    {0x80020006, "DISP_E_UNKNOWNNAME"},
    {0x8002000E, "DISP_E_BADPARAMCOUNT"},
    {0x8002802B, "TYPE_E_ELEMENTNOTFOUND"},
    {0x80030002, "STG_E_FILENOTFOUND"},
    {0x80030005, "STG_E_ACCESSDENIED"},
    {0x80040110, "CLASS_E_NOAGGREGATION"},
    {0x80040111, "CLASS_E_CLASSNOTAVAILABLE"},
    {0x80040154, "REGDB_E_CLASSNOTREG"},
    {0x800401F0, "CO_E_NOTINITIALIZED"},
    {0x800401F1, "CO_E_ALREADYINITIALIZED"},
};

constexpr code_name ndis_statuses[] = {
    {0x00000000, "NDIS_STATUS_SUCCESS"},
    {0x00000103, "NDIS_STATUS_PENDING"},
    {0x00010001, "NDIS_STATUS_NOT_RECOGNIZED"},
    {0x00010002, "NDIS_STATUS_NOT_COPIED"},
    {0x00010003, "NDIS_STATUS_NOT_ACCEPTED"},
    {0x40010003, "NDIS_STATUS_ONLINE"},
    {0x40010004, "NDIS_STATUS_RESET_START"},
    {0x40010005, "NDIS_STATUS_RESET_END"},
    {0x40010006, "NDIS_STATUS_RING_STATUS"},
    {0x40010007, "NDIS_STATUS_CLOSED"},
    {0x40010008, "NDIS_STATUS_WAN_LINE_UP"},
    {0x40010009, "NDIS_STATUS_WAN_LINE_DOWN"},
    {0x4001000A, "NDIS_STATUS_WAN_FRAGMENT"},
    {0x4001000B, "NDIS_STATUS_MEDIA_CONNECT"},
    {0x4001000C, "NDIS_STATUS_MEDIA_DISCONNECT"},
    {0x4001000D, "NDIS_STATUS_HARDWARE_LINE_UP"},
    {0x4001000E, "NDIS_STATUS_HARDWARE_LINE_DOWN"},
    {0x4001000F, "NDIS_STATUS_INTERFACE_UP"},
    {0x40010010, "NDIS_STATUS_INTERFACE_DOWN"},
    {0x40010011, "NDIS_STATUS_MEDIA_BUSY"},
    {0x40010012, "NDIS_STATUS_MEDIA_SPECIFIC_INDICATION"},
    {0x40010013, "NDIS_STATUS_LINK_SPEED_CHANGE"},
    {0x80000005, "NDIS_STATUS_BUFFER_OVERFLOW"},
    {0x80010001, "NDIS_STATUS_NOT_RESETTABLE"},
    {0x80010003, "NDIS_STATUS_SOFT_ERRORS"},
    {0x80010004, "NDIS_STATUS_HARD_ERRORS"},
    {0xC0000001, "NDIS_STATUS_FAILURE"},
    {0xC000009A, "NDIS_STATUS_RESOURCES"},
    {0xC00000BB, "NDIS_STATUS_NOT_SUPPORTED"},
    {0xC0010002, "NDIS_STATUS_CLOSING"},
    {0xC0010004, "NDIS_STATUS_BAD_VERSION"},
    {0xC0010005, "NDIS_STATUS_BAD_CHARACTERISTICS"},
    {0xC0010006, "NDIS_STATUS_ADAPTER_NOT_FOUND"},
    {0xC0010007, "NDIS_STATUS_OPEN_FAILED"},
    {0xC0010008, "NDIS_STATUS_DEVICE_FAILED"},
    {0xC0010009, "NDIS_STATUS_MULTICAST_FULL"},
    {0xC001000A, "NDIS_STATUS_MULTICAST_EXISTS"},
    {0xC001000B, "NDIS_STATUS_MULTICAST_NOT_FOUND"},
    {0xC001000C, "NDIS_STATUS_REQUEST_ABORTED"},
    {0xC001000D, "NDIS_STATUS_RESET_IN_PROGRESS"},
    {0xC001000F, "NDIS_STATUS_INVALID_PACKET"},
    {0xC0010010, "NDIS_STATUS_OPEN_LIST_FULL"},
    {0xC0010011, "NDIS_STATUS_ADAPTER_NOT_READY"},
    {0xC0010012, "NDIS_STATUS_ADAPTER_NOT_OPEN"},
    {0xC0010013, "NDIS_STATUS_NOT_INDICATING"},
    {0xC0010014, "NDIS_STATUS_INVALID_LENGTH"},
    {0xC0010015, "NDIS_STATUS_INVALID_DATA"},
    {0xC0010016, "NDIS_STATUS_BUFFER_TOO_SHORT"},
    {0xC0010017, "NDIS_STATUS_INVALID_OID"},
    {0xC0010018, "NDIS_STATUS_ADAPTER_REMOVED"},
    {0xC0010019, "NDIS_STATUS_UNSUPPORTED_MEDIA"},
    {0xC001001A, "NDIS_STATUS_GROUP_ADDRESS_IN_USE"},
    {0xC001001B, "NDIS_STATUS_FILE_NOT_FOUND"},
    {0xC001001C, "NDIS_STATUS_ERROR_READING_FILE"},
    {0xC001001D, "NDIS_STATUS_ALREADY_MAPPED"},
    {0xC001001E, "NDIS_STATUS_RESOURCE_CONFLICT"},
    {0xC001001F, "NDIS_STATUS_NO_CABLE"},
};

constexpr code_name ndis_oids[] = {
    {0x00010101, "OID_GEN_SUPPORTED_LIST"},
    {0x00010102, "OID_GEN_HARDWARE_STATUS"},
    {0x00010103, "OID_GEN_MEDIA_SUPPORTED"},
    {0x00010104, "OID_GEN_MEDIA_IN_USE"},
    {0x00010105, "OID_GEN_MAXIMUM_LOOKAHEAD"},
    {0x00010106, "OID_GEN_MAXIMUM_FRAME_SIZE"},
    {0x00010107, "OID_GEN_LINK_SPEED"},
    {0x00010108, "OID_GEN_TRANSMIT_BUFFER_SPACE"},
    {0x00010109, "OID_GEN_RECEIVE_BUFFER_SPACE"},
    {0x0001010A, "OID_GEN_TRANSMIT_BLOCK_SIZE"},
    {0x0001010B, "OID_GEN_RECEIVE_BLOCK_SIZE"},
    {0x0001010C, "OID_GEN_VENDOR_ID"},
    {0x0001010D, "OID_GEN_VENDOR_DESCRIPTION"},
    {0x0001010E, "OID_GEN_CURRENT_PACKET_FILTER"},
    {0x0001010F, "OID_GEN_CURRENT_LOOKAHEAD"},
    {0x00010110, "OID_GEN_DRIVER_VERSION"},
    {0x00010111, "OID_GEN_MAXIMUM_TOTAL_SIZE"},
    {0x00010112, "OID_GEN_PROTOCOL_OPTIONS"},
    {0x00010113, "OID_GEN_MAC_OPTIONS"},
    {0x00010114, "OID_GEN_MEDIA_CONNECT_STATUS"},
    {0x00010115, "OID_GEN_MAXIMUM_SEND_PACKETS"},
    {0x00010116, "OID_GEN_VENDOR_DRIVER_VERSION"},
    {0x00010117, "OID_GEN_SUPPORTED_GUIDS"},
    {0x00010118, "OID_GEN_NETWORK_LAYER_ADDRESSES"},
    {0x00010119, "OID_GEN_TRANSPORT_HEADER_OFFSET"},
    {0x00010201, "OID_GEN_MEDIA_CAPABILITIES"},
    {0x00010202, "OID_GEN_PHYSICAL_MEDIUM"},
    {0x00020101, "OID_GEN_XMIT_OK"},
    {0x00020102, "OID_GEN_RCV_OK"},
    {0x00020103, "OID_GEN_XMIT_ERROR"},
    {0x00020104, "OID_GEN_RCV_ERROR"},
    {0x00020105, "OID_GEN_RCV_NO_BUFFER"},
    {0x00020106, "OID_GEN_STATISTICS"},
    {0x01010101, "OID_802_3_PERMANENT_ADDRESS"},
    {0x01010102, "OID_802_3_CURRENT_ADDRESS"},
    {0x01010103, "OID_802_3_MULTICAST_LIST"},
    {0x01010104, "OID_802_3_MAXIMUM_LIST_SIZE"},
    {0x01010105, "OID_802_3_MAC_OPTIONS"},
    {0x01020101, "OID_802_3_RCV_ERROR_ALIGNMENT"},
    {0x01020102, "OID_802_3_XMIT_ONE_COLLISION"},
    {0x01020103, "OID_802_3_XMIT_MORE_COLLISIONS"},
    {0xFC010201, "OID_TCP_TASK_OFFLOAD"},
    {0xFD010100, "OID_PNP_CAPABILITIES"},
    {0xFD010101, "OID_PNP_SET_POWER"},
    {0xFD010102, "OID_PNP_QUERY_POWER"},
    {0xFD010103, "OID_PNP_ADD_WAKE_UP_PATTERN"},
    {0xFD010104, "OID_PNP_REMOVE_WAKE_UP_PATTERN"},
    {0xFD010105, "OID_PNP_WAKE_UP_PATTERN_LIST"},
    {0xFD010106, "OID_PNP_ENABLE_WAKE_UP"},
};

constexpr bool by_code(const code_name& a, const code_name& b) noexcept { return a.code < b.code; }
static_assert(std::is_sorted(std::begin(win32_errors), std::end(win32_errors), by_code));
static_assert(std::is_sorted(std::begin(nt_statuses), std::end(nt_statuses), by_code));
static_assert(std::is_sorted(std::begin(hresults), std::end(hresults), by_code));
static_assert(std::is_sorted(std::begin(ndis_statuses), std::end(ndis_statuses), by_code));
static_assert(std::is_sorted(std::begin(ndis_oids), std::end(ndis_oids), by_code));

template <std::size_t N>
std::string_view lookup(const code_name (&table)[N], std::uint32_t code) noexcept {
  const auto it =
      std::lower_bound(std::begin(table), std::end(table), code_name{code, {}}, by_code);
  return it != std::end(table) && it->code == code ? it->name : std::string_view();
}

// --- printing helpers ------------------------------------------------------------------------

// snprintf into a stack buffer, appended to `out` (the parser caps widths at 256).
template <class... T>
void append_format(std::string& out, const char* format, T... values) {
  char buffer[512];
  const int n = std::snprintf(buffer, sizeof buffer, format, values...);
  if (n > 0) out.append(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer - 1));
}

std::uint64_t masked(std::uint64_t bits, unsigned size) noexcept {
  return size >= 8 || size == 0 ? bits : bits & ((std::uint64_t{1} << (8 * size)) - 1);
}

std::int64_t sign_extended(std::uint64_t bits, unsigned size) noexcept {
  if (size >= 8 || size == 0) return static_cast<std::int64_t>(bits);
  const unsigned shift = 64 - 8 * size;
  return static_cast<std::int64_t>(bits << shift) >> shift;
}

constexpr bool is_integer_conversion(char c) noexcept {
  return c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o';
}
constexpr bool is_float_conversion(char c) noexcept {
  return c == 'e' || c == 'E' || c == 'f' || c == 'g' || c == 'G' || c == 'a' || c == 'A';
}

// "%-08.3ll" + conversion, from a parsed !fmt!.
void make_format(char (&f)[32], const tmf_conversion& spec, bool long_long, char conversion) {
  std::size_t n = 0;
  f[n++] = '%';
  if (spec.left) f[n++] = '-';
  if (spec.plus) f[n++] = '+';
  if (spec.space) f[n++] = ' ';
  if (spec.alternate) f[n++] = '#';
  if (spec.zero) f[n++] = '0';
  if (spec.width >= 0) n += static_cast<std::size_t>(std::snprintf(f + n, 8, "%d", spec.width));
  if (spec.precision >= 0) {
    f[n++] = '.';
    n += static_cast<std::size_t>(std::snprintf(f + n, 8, "%d", spec.precision));
  }
  if (long_long) {
    f[n++] = 'l';
    f[n++] = 'l';
  }
  f[n++] = conversion;
  f[n] = '\0';
}

// A number through printf, sign-extended for %d/%i and cut to the item's size otherwise.
void append_integer(std::string& out, const tmf_conversion& spec, std::uint64_t bits,
                    unsigned size) {
  char f[32];
  make_format(f, spec, true, spec.conversion == 'i' ? 'd' : spec.conversion);
  if (spec.conversion == 'd' || spec.conversion == 'i') {
    append_format(out, f, static_cast<long long>(sign_extended(bits, size)));
  } else {
    append_format(out, f, static_cast<unsigned long long>(masked(bits, size)));
  }
}

double as_double(std::uint64_t bits) noexcept {
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// "2020-01-01 00:00:00.000Z": tracefmt's layout, but in UTC so that output does not depend on
// the machine's time zone.
void append_date(std::string& out, std::uint64_t filetime) {
  const civil_time t = civil_from_filetime(filetime);
  append_format(out, "%04lld-%02u-%02u %02u:%02u:%02u.%03uZ", static_cast<long long>(t.year),
                t.month, t.day, t.hour, t.minute, t.second, t.ticks / 10'000);
}

// 100 ns units as seconds: "5.000s".
void append_delta(std::string& out, bool negative, std::uint64_t magnitude) {
  append_format(out, "%s%llu.%03llus", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 10'000'000),
                static_cast<unsigned long long>(magnitude % 10'000'000 / 10'000));
}

unsigned byte_at(std::span<const std::byte> bytes, std::size_t i) noexcept {
  return static_cast<unsigned>(bytes[i]);
}

// Lower case without braces, as tracefmt prints ItemGuid.
void append_guid(std::string& out, std::span<const std::byte> bytes) {
  const guid g = guid::from_bytes(bytes.first<16>());
  append_format(out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                static_cast<unsigned>(g.data1), static_cast<unsigned>(g.data2),
                static_cast<unsigned>(g.data3), g.data4[0], g.data4[1], g.data4[2], g.data4[3],
                g.data4[4], g.data4[5], g.data4[6], g.data4[7]);
}

// Pads text printed from `start` to the conversion's width (counted in characters).
void pad(std::string& out, std::size_t start, const tmf_conversion& spec) {
  if (spec.width <= 0) return;
  std::size_t characters = 0;
  for (std::size_t i = start; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80) ++characters;
  }
  const auto width = static_cast<std::size_t>(spec.width);
  if (characters >= width) return;
  if (spec.left) {
    out.append(width - characters, ' ');
  } else {
    out.insert(start, width - characters, ' ');
  }
}

constexpr bool is_plain_integer(tmf_item t) noexcept {
  return t >= tmf_item::int8 && t <= tmf_item::pointer;
}

constexpr bool is_signed_integer(tmf_item t) noexcept {
  return t == tmf_item::int8 || t == tmf_item::int16 || t == tmf_item::int32 ||
         t == tmf_item::int64;
}

constexpr bool is_unsigned_integer(tmf_item t) noexcept {
  return t == tmf_item::uint8 || t == tmf_item::uint16 || t == tmf_item::uint32 ||
         t == tmf_item::uint64;
}

// Items whose value is one integer, which a numeric %N!x! prints as a number.
constexpr bool is_integer_item(tmf_item t) noexcept {
  switch (t) {
    case tmf_item::port:
    case tmf_item::ntstatus:
    case tmf_item::hresult:
    case tmf_item::win32_error:
    case tmf_item::ndis_status:
    case tmf_item::ndis_oid:
    case tmf_item::char4:
    case tmf_item::ipv4:
    case tmf_item::list:
    case tmf_item::set:
    case tmf_item::enumeration:
    case tmf_item::flags_enumeration:
    case tmf_item::timestamp:
    case tmf_item::time_delta:
    case tmf_item::wait_time:
      return true;
    default:
      return is_plain_integer(t);
  }
}

}  // namespace

// --- public name look-ups ------------------------------------------------------------------

std::string_view win32_error_name(std::uint32_t code) noexcept {
  return lookup(win32_errors, code);
}
std::string_view ntstatus_name(std::uint32_t code) noexcept { return lookup(nt_statuses, code); }
std::string_view hresult_name(std::uint32_t code) noexcept {
  if ((code & 0xFFFF0000u) == 0x80070000u) return win32_error_name(code & 0xFFFFu);
  if (const std::string_view name = lookup(hresults, code); !name.empty()) return name;
  if ((code & 0x10000000u) != 0) return ntstatus_name(code & ~0x10000000u);  // FACILITY_NT_BIT
  return {};
}
std::string_view ndis_status_name(std::uint32_t code) noexcept {
  // Most other NDIS_STATUS values are NTSTATUS values under another name.
  const std::string_view name = lookup(ndis_statuses, code);
  return name.empty() ? ntstatus_name(code) : name;
}
std::string_view ndis_oid_name(std::uint32_t oid) noexcept { return lookup(ndis_oids, oid); }

// --- decoder -------------------------------------------------------------------------------

bool wpp_decoder::decode(const etl::record_view& record, const tmf_library* library, event& out) {
  if (library == nullptr || record.kind() != etl::header_kind::wpp_message) return false;
  // Records that carry a component id instead of the message GUID cannot be looked up.
  if ((record.message_flags() & etl::trace_message_flag::guid) == 0) return false;
  const auto& g = record.header_guid();
  const tmf_message* message =
      library->find(guid{g.data1, g.data2, g.data3, g.data4}, record.message_number());
  if (message == nullptr) return false;

  out.set_event_name(message->name);
  out.provider_name = message->component;
  out.data.clear();
  out.decode_error.clear();
  out.payload_decoded =
      format(*message, record.payload(), record.pointer_size(), out.data, out.decode_error);
  return true;
}

bool wpp_decoder::format(const tmf_message& message, std::span<const std::byte> payload,
                         std::uint8_t pointer_size, event_data& out, std::string& error) {
  pointer_size_ = pointer_size == 4 ? 4 : 8;
  const bool complete = read_arguments(message, payload, pointer_size_, error);

  const std::size_t begin = out.begin_text();
  std::string& text = out.arena();
  for (const tmf_format_piece& piece : message.pieces) {
    if (piece.argument < 0) {
      text.append(message.format, piece.text_begin, piece.text_size);
      continue;
    }
    const auto k = static_cast<std::size_t>(piece.argument);
    if (values_[k].present) render(message.arguments[k], values_[k], piece.spec, text);
  }
  out.end_text("Message", begin);

  if (!message.level.empty()) out.add_string("Level", message.level);
  if (!message.flags.empty()) out.add_string("Flags", message.flags);
  if (!message.function.empty()) out.add_string("Function", message.function);
  for (std::size_t k = 0; k < message.arguments.size(); ++k) {
    if (values_[k].present) add_field(message.arguments[k], values_[k], out);
  }
  return complete;
}

bool wpp_decoder::read_arguments(const tmf_message& message, std::span<const std::byte> payload,
                                 std::uint8_t pointer_size, std::string& error) {
  values_.assign(message.arguments.size(), argument_value{});
  byte_cursor in(payload);
  for (std::size_t k = 0; k < message.arguments.size(); ++k) {
    const tmf_argument& a = message.arguments[k];
    argument_value& v = values_[k];
    const std::size_t at = in.position();
    const std::span<const std::byte> rest = in.rest();
    std::string_view problem;
    bool past_end = false;
    switch (a.type) {
      case tmf_item::unknown:
        problem = "item type not known, so neither is its size";
        break;
      case tmf_item::ansi_string:
      case tmf_item::raw_ansi_string: {
        const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
        if (nul == rest.end()) {
          problem = "no NUL before the end of the payload";
          break;
        }
        const auto n = static_cast<std::size_t>(nul - rest.begin());
        v.bytes = rest.first(n);
        (void)in.skip(n + 1);
        break;
      }
      case tmf_item::utf16_string:
      case tmf_item::raw_utf16_string: {
        std::size_t n = 0;
        while (n + 1 < rest.size() && (rest[n] != std::byte{0} || rest[n + 1] != std::byte{0})) {
          n += 2;
        }
        if (n + 1 >= rest.size()) {
          problem = "no UTF-16 NUL before the end of the payload";
          break;
        }
        v.bytes = rest.first(n);
        (void)in.skip(n + 2);
        break;
      }
      case tmf_item::counted_ansi_string:
      case tmf_item::counted_utf16_string:
      case tmf_item::hex_dump: {
        std::uint16_t length = 0;
        past_end = !in.read(length) || !in.read_bytes(length, v.bytes);
        break;
      }
      case tmf_item::sid: {
        // Revision, SubAuthorityCount, 6-byte authority, then 4 bytes per sub-authority.
        if (rest.size() < 8) {
          past_end = true;
          break;
        }
        const unsigned count = byte_at(rest, 1);
        if (count > 15) {
          problem = "not a SID (more than 15 sub-authorities)";
          break;
        }
        past_end = !in.read_bytes(8 + 4 * std::size_t{count}, v.bytes);
        break;
      }
      default: {
        const std::size_t size = a.type == tmf_item::pointer ? pointer_size : a.size;
        past_end = !in.read_bytes(size, v.bytes);
        for (std::size_t i = std::min<std::size_t>(v.bytes.size(), 8); !past_end && i-- > 0;) {
          v.bits = v.bits << 8 | byte_at(v.bytes, i);
        }
        break;
      }
    }
    if (past_end || !problem.empty()) {
      v = argument_value{};
      error = "field " + a.field_name + " (%" + std::to_string(a.index) + " " + a.type_name +
              ") at offset " + std::to_string(at) + ": ";
      if (past_end) {
        error += "runs past the end of the payload (" + std::to_string(payload.size()) + " bytes)";
      } else {
        error += problem;
      }
      return false;
    }
    v.present = true;
  }
  if (!in.at_end()) {
    error = std::to_string(in.remaining()) + " bytes left over after the last argument (offset " +
            std::to_string(in.position()) + ")";
    return false;
  }
  return true;
}

void wpp_decoder::render(const tmf_argument& a, const argument_value& v, const tmf_conversion& spec,
                         std::string& out) {
  const unsigned size = a.type == tmf_item::pointer ? pointer_size_ : a.size;
  // A port is in network byte order; its number is what %d prints.
  const std::uint64_t bits =
      a.type == tmf_item::port ? (v.bits >> 8 | (v.bits & 0xFF) << 8) : v.bits;
  const std::size_t start = out.size();
  if (is_integer_item(a.type)) {
    if (is_integer_conversion(spec.conversion)) {
      append_integer(out, spec, bits, size);
      return;
    }
    if (spec.conversion == 'p') {
      append_format(out, "%0*llX", static_cast<int>(2 * size),
                    static_cast<unsigned long long>(masked(bits, size)));
      return;
    }
    if (spec.conversion == 'c' && is_plain_integer(a.type)) {
      const auto c = static_cast<std::uint32_t>(masked(bits, std::min(size, 2u)));
      if (c != 0) append_code_point(out, c);  // 8-bit characters taken as Latin-1
      pad(out, start, spec);
      return;
    }
  }
  if (a.type == tmf_item::float64 && is_float_conversion(spec.conversion)) {
    char f[32];
    make_format(f, spec, false, spec.conversion);
    append_format(out, f, as_double(v.bits));
    return;
  }
  render_text(a, v, out);
  pad(out, start, spec);
}

void wpp_decoder::render_text(const tmf_argument& a, const argument_value& v, std::string& out) {
  const unsigned size = a.type == tmf_item::pointer ? pointer_size_ : a.size;
  const auto value32 = static_cast<std::uint32_t>(v.bits);
  auto with_name = [&](const char* number_format, std::string_view name) {
    append_format(out, number_format, static_cast<unsigned>(value32));
    if (!name.empty()) {
      out += '(';
      out += name;
      out += ')';
    }
  };
  auto text = [&](bool utf16) {
    if (utf16) {
      append_utf16le_as_utf8(out, v.bytes);
    } else {
      append_windows1252_as_utf8(out, v.bytes);
    }
  };
  const std::size_t start = out.size();
  switch (a.type) {
    case tmf_item::unknown:
      break;
    case tmf_item::int8:
    case tmf_item::int16:
    case tmf_item::int32:
    case tmf_item::int64:
      append_format(out, "%lld", static_cast<long long>(sign_extended(v.bits, size)));
      break;
    case tmf_item::uint8:
    case tmf_item::uint16:
    case tmf_item::uint32:
    case tmf_item::uint64:
      append_format(out, "%llu", static_cast<unsigned long long>(v.bits));
      break;
    case tmf_item::hex32:
    case tmf_item::hex64:
      append_format(out, "%llx", static_cast<unsigned long long>(v.bits));
      break;
    case tmf_item::hex64_upper:
      append_format(out, "%llX", static_cast<unsigned long long>(v.bits));
      break;
    case tmf_item::octal64:
      append_format(out, "%llo", static_cast<unsigned long long>(v.bits));
      break;
    case tmf_item::pointer:
      append_format(out, "%0*llX", static_cast<int>(2 * size),
                    static_cast<unsigned long long>(v.bits));
      break;
    case tmf_item::float64:
      append_format(out, "%g", as_double(v.bits));
      break;
    case tmf_item::ansi_string:
    case tmf_item::counted_ansi_string:
      text(false);
      break;
    case tmf_item::utf16_string:
    case tmf_item::counted_utf16_string:
      text(true);
      break;
    case tmf_item::raw_ansi_string:
    case tmf_item::raw_utf16_string: {
      // Raw strings print on one line: tabs and line breaks become spaces, trailing ones go.
      text(a.type == tmf_item::raw_utf16_string);
      for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] == '\t' || out[i] == '\n' || out[i] == '\r') out[i] = ' ';
      }
      while (out.size() > start && out.back() == ' ') out.pop_back();
      break;
    }
    case tmf_item::guid:
      append_guid(out, v.bytes);
      break;
    case tmf_item::sid: {
      char buffer[event::max_sid_text];
      out += format_sid(v.bytes, buffer);
      break;
    }
    case tmf_item::hex_dump:
      for (std::size_t i = 0; i < v.bytes.size(); ++i) {
        append_format(out, "%02X", byte_at(v.bytes, i));
      }
      break;
    case tmf_item::ipv4:  // network byte order: the bytes in memory order
      append_format(out, "%u.%u.%u.%u", byte_at(v.bytes, 0), byte_at(v.bytes, 1),
                    byte_at(v.bytes, 2), byte_at(v.bytes, 3));
      break;
    case tmf_item::ipv6:
      append_ipv6(out, v.bytes);
      break;
    case tmf_item::mac:
      for (std::size_t i = 0; i < v.bytes.size(); ++i) {
        append_format(out, i == 0 ? "%02x" : ":%02x", byte_at(v.bytes, i));
      }
      break;
    case tmf_item::port:
      append_format(out, "%u", byte_at(v.bytes, 0) << 8 | byte_at(v.bytes, 1));
      break;
    case tmf_item::ntstatus:
      with_name("0x%08x", ntstatus_name(value32));
      break;
    case tmf_item::hresult:
      with_name("0x%08x", hresult_name(value32));
      break;
    case tmf_item::win32_error:
      with_name("%u", win32_error_name(value32));
      break;
    case tmf_item::ndis_status:
      with_name("0x%08x", ndis_status_name(value32));
      break;
    case tmf_item::ndis_oid:
      with_name("0x%08x", ndis_oid_name(value32));
      break;
    case tmf_item::timestamp:
      append_date(out, v.bits);
      break;
    case tmf_item::wait_time:
      // Negative: relative to the call (as for KeWaitForSingleObject), in 100 ns units.
      if (static_cast<std::int64_t>(v.bits) < 0) {
        append_delta(out, false, 0 - v.bits);
      } else {
        append_date(out, v.bits);
      }
      break;
    case tmf_item::time_delta: {
      const bool negative = static_cast<std::int64_t>(v.bits) < 0;
      append_delta(out, negative, negative ? 0 - v.bits : v.bits);
      break;
    }
    case tmf_item::char4:  // memory order: 'ABGR' logged as an int prints "RGBA"
      for (std::size_t i = 0; i < v.bytes.size(); ++i) {
        const unsigned c = byte_at(v.bytes, i);
        out += c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.';
      }
      break;
    case tmf_item::list: {
      const std::string_view name =
          v.bits < a.names.size() ? std::string_view(a.names[v.bits]) : std::string_view();
      with_name("0x%08x", name);
      break;
    }
    case tmf_item::set: {
      out += '[';
      bool first = true;
      for (std::size_t bit = 0; bit < a.names.size() && bit < 8u * size; ++bit) {
        if ((v.bits >> bit & 1) == 0) continue;
        if (!first) out += ',';
        out += a.names[bit];
        first = false;
      }
      out += ']';
      break;
    }
    case tmf_item::enumeration: {
      if (a.enum_table != nullptr) {
        for (const tmf_enum_value& e : a.enum_table->values) {
          if (e.value == value32) {
            out += e.name;
            return;
          }
        }
      }
      append_format(out, "%d", static_cast<int>(sign_extended(v.bits, 4)));
      break;
    }
    case tmf_item::flags_enumeration: {
      // "FlagRead | FlagExec(0x5)": the names of the flags that are set, then the value.
      bool named = false;
      if (a.enum_table != nullptr) {
        for (const tmf_enum_value& e : a.enum_table->values) {
          const bool match = e.value == 0 ? value32 == 0 : (value32 & e.value) == e.value;
          if (!match) continue;
          if (named) out += " | ";
          out += e.name;
          named = true;
        }
      }
      append_format(out, named ? "(0x%x)" : "0x%x", static_cast<unsigned>(value32));
      break;
    }
  }
}

void wpp_decoder::add_field(const tmf_argument& a, const argument_value& v, event_data& out) {
  const std::string_view name = a.field_name;
  const unsigned size = a.type == tmf_item::pointer ? pointer_size_ : a.size;
  const char c = a.conversion;
  const bool hex_format = c == 'x' || c == 'X' || c == 'o' || c == 'p';
  if (is_plain_integer(a.type)) {
    // The format decides signedness and base; the item type decides when it says nothing. A
    // 64-bit keyword mask is "0x…" whatever the format (schema.h), as in every decoder.
    if (size == 8 && names_bit_mask(name)) {
      out.add_hex(name, v.bits);
    } else if (c == 'd' || c == 'i' || (is_signed_integer(a.type) && !hex_format && c != 'u')) {
      out.add_signed(name, sign_extended(v.bits, size));
    } else if (c == 'u' || (is_unsigned_integer(a.type) && !hex_format)) {
      out.add_unsigned(name, masked(v.bits, size));
    } else {
      out.add_hex(name, masked(v.bits, size));
    }
    return;
  }
  switch (a.type) {
    case tmf_item::float64:
      out.add_double(name, as_double(v.bits));
      return;
    case tmf_item::ansi_string:
    case tmf_item::counted_ansi_string:
      out.add_ansi(name, v.bytes);
      return;
    case tmf_item::utf16_string:
    case tmf_item::counted_utf16_string:
      out.add_utf16(name, v.bytes);
      return;
    case tmf_item::guid:
      out.add_guid(name, guid::from_bytes(v.bytes.first<16>()));
      return;
    case tmf_item::hex_dump:
      out.add_binary(name, v.bytes);
      return;
    case tmf_item::port:
      out.add_unsigned(name, byte_at(v.bytes, 0) << 8 | byte_at(v.bytes, 1));
      return;
    case tmf_item::win32_error:
      out.add_unsigned(name, v.bits);
      return;
    case tmf_item::ntstatus:
    case tmf_item::hresult:
    case tmf_item::ndis_status:
    case tmf_item::ndis_oid:
      out.add_hex(name, v.bits, 8);
      return;
    case tmf_item::timestamp:
      out.add_filetime(name, v.bits);
      return;
    case tmf_item::wait_time:
      if (static_cast<std::int64_t>(v.bits) >= 0) {
        out.add_filetime(name, v.bits);
        return;
      }
      break;
    default:
      break;
  }
  // Everything that prints as a name, an address or a duration: the printed text.
  text_.clear();
  render_text(a, v, text_);
  out.add_string(name, text_);
}

}  // namespace etwcat::decode

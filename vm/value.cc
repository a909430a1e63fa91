// value.cc — names of value kinds (for diagnostics, `laudc dis` and error messages).
// Everything else about Value is inline in value.h; the operators live in value_ops.
#include "vm/value.h"

namespace laud::vm {

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kTime: return "time";
    case Kind::kDuration: return "duration";
    case Kind::kList: return "list";
    case Kind::kObject: return "object";
  }
  return "invalid";  // a byte that is no Kind (only reachable from corrupt data)
}

}  // namespace laud::vm

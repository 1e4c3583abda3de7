#include "output/writer.hpp"

namespace regsim {

Writer::~Writer() = default;

}  // namespace regsim

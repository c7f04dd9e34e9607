// src/sources/change_coalescing.hpp
//
// A transaction may touch the same row several times (a trigger's second write, an insert then
// an update). The engine wants one change per element per transaction, with its net effect.
#pragma once

#include <vector>

#include "core/change.hpp"

namespace livedash::sources {

//! The net effect per element id, in order of first appearance: existed before and after →
//! Update(first before, last after); only before → Delete; only after → Insert; neither → nothing.
//! Truncate changes are not allowed here: split the transaction around them.
std::vector<core::Change> coalesceChanges(std::vector<core::Change>&& changes);

}  // namespace livedash::sources

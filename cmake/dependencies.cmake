# Dependencies: CLI11, fmt, simdjson, pugixml, doctest — all from Debian
# packages through find_package. A mingw-w64 cross build cannot use the Linux
# packages' config files (they point at /usr/include, which drags glibc
# headers in), so there the header-only libraries come from a private include
# folder (ETWCAT_CROSS_INCLUDE_DIR), and simdjson and pugixml are compiled from
# their sources (ETWCAT_SIMDJSON_SOURCE_DIR, ETWCAT_PUGIXML_SOURCE_DIR);
# scripts/test sets all three.

set(ETWCAT_CROSS_INCLUDE_DIR "" CACHE PATH
    "Cross builds: a folder holding CLI/, fmt/ and doctest/ header trees")
set(ETWCAT_SIMDJSON_SOURCE_DIR "" CACHE PATH
    "Cross builds: a folder holding simdjson.h and simdjson.cpp (the amalgamated source)")
set(ETWCAT_PUGIXML_SOURCE_DIR "" CACHE PATH
    "Cross builds: a folder holding pugixml.cpp, pugixml.hpp and pugiconfig.hpp")

if(ETWCAT_CROSS_INCLUDE_DIR)
  add_library(etwcat_cli11 INTERFACE)
  target_include_directories(etwcat_cli11 SYSTEM INTERFACE ${ETWCAT_CROSS_INCLUDE_DIR})
  add_library(etwcat_fmt INTERFACE)
  target_include_directories(etwcat_fmt SYSTEM INTERFACE ${ETWCAT_CROSS_INCLUDE_DIR})
  target_compile_definitions(etwcat_fmt INTERFACE FMT_HEADER_ONLY)
  add_library(etwcat_doctest INTERFACE)
  target_include_directories(etwcat_doctest SYSTEM INTERFACE ${ETWCAT_CROSS_INCLUDE_DIR})
  set(ETWCAT_CLI11_TARGET etwcat_cli11)
  set(ETWCAT_FMT_TARGET etwcat_fmt)
  set(ETWCAT_DOCTEST_TARGET etwcat_doctest)
else()
  find_package(CLI11 REQUIRED)
  find_package(fmt REQUIRED)
  set(ETWCAT_CLI11_TARGET CLI11::CLI11)
  set(ETWCAT_FMT_TARGET fmt::fmt)
  if(ETWCAT_BUILD_TESTS)
    find_package(doctest REQUIRED)
    set(ETWCAT_DOCTEST_TARGET doctest::doctest)
  endif()
endif()

if(ETWCAT_SIMDJSON_SOURCE_DIR)
  # Compiled once as its own library: it takes a while with mingw.
  add_library(etwcat_simdjson STATIC ${ETWCAT_SIMDJSON_SOURCE_DIR}/simdjson.cpp)
  target_include_directories(etwcat_simdjson SYSTEM PUBLIC $<BUILD_INTERFACE:${ETWCAT_SIMDJSON_SOURCE_DIR}>)
  target_compile_features(etwcat_simdjson PUBLIC cxx_std_17)
  set(ETWCAT_SIMDJSON_TARGET etwcat_simdjson)
else()
  find_package(simdjson REQUIRED)
  set(ETWCAT_SIMDJSON_TARGET simdjson::simdjson)
endif()

if(ETWCAT_PUGIXML_SOURCE_DIR)
  add_library(etwcat_pugixml STATIC ${ETWCAT_PUGIXML_SOURCE_DIR}/pugixml.cpp)
  target_include_directories(etwcat_pugixml SYSTEM PUBLIC $<BUILD_INTERFACE:${ETWCAT_PUGIXML_SOURCE_DIR}>)
  set(ETWCAT_PUGIXML_TARGET etwcat_pugixml)
else()
  find_package(pugixml REQUIRED)
  set(ETWCAT_PUGIXML_TARGET pugixml::pugixml)
endif()

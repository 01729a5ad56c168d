// The built-in schema database, included byte for byte with the assembler's .incbin: a few MB
// that a C++ array would take the compiler far longer to read. This file holds nothing else,
// so switching sections here cannot move any compiled code. ETWCAT_SCHEMA_DATABASE (the data
// file's path) comes from CMakeLists.txt.
#if defined(_WIN32)
#define ETWCAT_READ_ONLY_SECTION ".section .rdata,\"dr\"\n"
#else
#define ETWCAT_READ_ONLY_SECTION ".section .rodata\n"
#endif

__asm__(ETWCAT_READ_ONLY_SECTION
        ".globl etwcat_builtin_schemas_begin\n"
        "etwcat_builtin_schemas_begin:\n"
        ".incbin \"" ETWCAT_SCHEMA_DATABASE
        "\"\n"
        ".globl etwcat_builtin_schemas_end\n"
        "etwcat_builtin_schemas_end:\n"
        ".byte 0\n");

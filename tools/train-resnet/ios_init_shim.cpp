// Stands in for std::ios_base_library_init(), which GCC 13's libstdc++ (GLIBCXX_3.4.32) added and
// TorchSharp's libLibTorchSharp.so references; older libstdc++ initializes the standard streams through
// the static ios_base::Init object that <iostream> puts in this translation unit instead.
#include <iostream>

namespace std
{
void ios_base_library_init() {}
}

/* Included before the generated code (build.sh -include): its UNIT_LAYER_MARK, called before each node and at the end of
 * an inference, records the tick reading there (main.c), so the host can report each node's instructions. */
void unit_layer_mark(void);
#define UNIT_LAYER_MARK() unit_layer_mark()

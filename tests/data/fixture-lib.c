/* A shared object with a stack buffer. */
#include <string.h>

int fixture_copy(const char *s, char *out, size_t n)
{
	char buf[128];

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memcpy(out, buf, n < sizeof(buf) ? n : sizeof(buf));
	return 0;
}

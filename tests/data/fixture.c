/* A program with a stack buffer: what stack cookies protect. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char buf[64];

	if (argc > 1 && strlen(argv[1]) < sizeof(buf))
		strcpy(buf, argv[1]);
	else if (!fgets(buf, sizeof(buf), stdin))
		buf[0] = '\0';
	puts(buf);
	return 0;
}

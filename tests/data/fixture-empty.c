/* Nothing on the stack worth a cookie. */
int main(void)
{
	return 0;
}

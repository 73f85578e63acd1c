// Slack mrkdwn: the one escape for text Liftoff did not write (stack names, commit messages, plan output).

/** Escapes `&`, `<` and `>`, so user text cannot become a link, mention or broadcast. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

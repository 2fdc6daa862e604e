declare const styles: {
  readonly "badge": string;
  readonly "details": string;
  readonly "error": string;
  readonly "meta": string;
  readonly "run": string;
  readonly "runs": string;
  readonly "stack": string;
  readonly "title": string;
  readonly "window": string;
};
export = styles;


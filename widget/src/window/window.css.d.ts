declare const styles: {
  readonly "badge": string;
  readonly "details": string;
  readonly "error": string;
  readonly "field": string;
  readonly "heading": string;
  readonly "meta": string;
  readonly "note": string;
  readonly "primary": string;
  readonly "run": string;
  readonly "runs": string;
  readonly "select": string;
  readonly "stack": string;
  readonly "title": string;
  readonly "window": string;
};
export = styles;

